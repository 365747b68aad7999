#!/usr/bin/python3
"""The usual Python route to a log loss: pandas.read_csv, then scikit-learn's log_loss and accuracy_score.

    /usr/bin/python3 bench/eval/python_route.py FILE.csv

FILE has one probability column per class (named after the class) and the target class name last, as
bench/eval/run.ts writes it. Prints one JSON object: logLoss, accuracy, rows and the seconds spent reading
and scoring. eps is float64 machine epsilon, as scikit-learn >= 1.3 uses by default (Debian's 1.2 needs it
passed explicitly).
"""
import json
import sys
import time

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, log_loss

started = time.perf_counter()
frame = pd.read_csv(sys.argv[1])
read = time.perf_counter()
classes = list(frame.columns[:-1])
y = frame.iloc[:, -1].to_numpy()
p = frame.iloc[:, :-1].to_numpy()
loss = log_loss(y, p, labels=classes, eps=np.finfo(np.float64).eps)
accuracy = accuracy_score(y, np.asarray(classes)[p.argmax(axis=1)])
done = time.perf_counter()
print(json.dumps({"logLoss": float(loss), "accuracy": float(accuracy), "rows": int(len(frame)),
                  "readSeconds": read - started, "scoreSeconds": done - read}))
