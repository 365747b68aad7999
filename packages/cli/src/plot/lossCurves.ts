/**
 * The loss curves of a training run: training and validation loss per epoch.
 *
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import type { EpochReport } from '../train/trainer.js';

export function lossCurvesSpec(history: readonly EpochReport[], title: string): TopLevelSpec {
  const values = history.flatMap((h) => [
    { epoch: h.epoch, split: 'training', loss: h.trainLoss },
    ...(h.valLoss === null ? [] : [{ epoch: h.epoch, split: 'validation', loss: h.valLoss }]),
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: 'mean cross-entropy per epoch (without penalty or label smoothing)' },
    width: 560,
    height: 320,
    background: 'white',
    data: { values },
    mark: { type: 'line', point: history.length <= 60 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
      y: { field: 'loss', type: 'quantitative', title: 'loss (cross-entropy, nats)', scale: { type: 'log' } },
      color: { field: 'split', type: 'nominal', title: null, scale: { range: ['#4c78a8', '#f58518'] } },
    },
  };
}
