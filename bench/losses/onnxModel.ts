/**
 * ONNX models for the ONNX Runtime peer, written with protobufjs from the few messages of onnx.proto
 * they need (field numbers as in onnx/onnx.proto, IR version 8, opset 13).
 *   forward:           loss = SoftmaxCrossEntropyLoss(scores, labels)   (reduction 'mean')
 *   forward + gradient: the same, plus grad = (exp(log_prob) - OneHot(labels)) / N, spelled out with
 *                      standard ops (ONNX Runtime has no gradient kernel for the loss outside training builds).
 */
import protobuf from 'protobufjs';

const schema = {
  nested: {
    ModelProto: {
      fields: {
        irVersion: { id: 1, type: 'int64' },
        opsetImport: { id: 8, rule: 'repeated', type: 'OperatorSetIdProto' },
        producerName: { id: 2, type: 'string' },
        graph: { id: 7, type: 'GraphProto' },
      },
    },
    OperatorSetIdProto: { fields: { domain: { id: 1, type: 'string' }, version: { id: 2, type: 'int64' } } },
    GraphProto: {
      fields: {
        node: { id: 1, rule: 'repeated', type: 'NodeProto' },
        name: { id: 2, type: 'string' },
        initializer: { id: 5, rule: 'repeated', type: 'TensorProto' },
        input: { id: 11, rule: 'repeated', type: 'ValueInfoProto' },
        output: { id: 12, rule: 'repeated', type: 'ValueInfoProto' },
      },
    },
    NodeProto: {
      fields: {
        input: { id: 1, rule: 'repeated', type: 'string' },
        output: { id: 2, rule: 'repeated', type: 'string' },
        name: { id: 3, type: 'string' },
        opType: { id: 4, type: 'string' },
        attribute: { id: 5, rule: 'repeated', type: 'AttributeProto' },
      },
    },
    AttributeProto: {
      fields: {
        name: { id: 1, type: 'string' },
        f: { id: 2, type: 'float' },
        i: { id: 3, type: 'int64' },
        s: { id: 4, type: 'bytes' },
        type: { id: 20, type: 'int32' },
      },
    },
    TensorProto: {
      fields: {
        dims: { id: 1, rule: 'repeated', type: 'int64' },
        dataType: { id: 2, type: 'int32' },
        floatData: { id: 4, rule: 'repeated', type: 'float' },
        int32Data: { id: 5, rule: 'repeated', type: 'int32' },
        int64Data: { id: 7, rule: 'repeated', type: 'int64' },
        name: { id: 8, type: 'string' },
      },
    },
    ValueInfoProto: { fields: { name: { id: 1, type: 'string' }, type: { id: 2, type: 'TypeProto' } } },
    TypeProto: { fields: { tensorType: { id: 1, type: 'TypeProtoTensor' } } },
    TypeProtoTensor: {
      fields: { elemType: { id: 1, type: 'int32' }, shape: { id: 2, type: 'TensorShapeProto' } },
    },
    TensorShapeProto: { fields: { dim: { id: 1, rule: 'repeated', type: 'Dimension' } } },
    Dimension: { fields: { dimValue: { id: 1, type: 'int64' }, dimParam: { id: 2, type: 'string' } } },
  },
};

const FLOAT = 1;
const INT32 = 6;
const root = protobuf.Root.fromJSON(schema);
const Model = root.lookupType('ModelProto');

const info = (name: string, elemType: number, dims: (number | string)[]) => ({
  name,
  type: {
    tensorType: {
      elemType,
      shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
    },
  },
});

/** The model bytes; `withGrad` adds the gradient output. Shapes are symbolic (N, C). */
export function softmaxCrossEntropyModel(withGrad: boolean): Uint8Array {
  const nodes: object[] = [
    {
      input: ['scores', 'labels'],
      output: withGrad ? ['loss', 'log_prob'] : ['loss'],
      name: 'sce',
      opType: 'SoftmaxCrossEntropyLoss',
      attribute: [{ name: 'reduction', s: new TextEncoder().encode('mean'), type: 3 }],
    },
  ];
  const initializer: object[] = [];
  const outputs = [info('loss', FLOAT, [])];
  if (withGrad) {
    nodes.push(
      { input: ['log_prob'], output: ['prob'], name: 'exp', opType: 'Exp' },
      { input: ['scores'], output: ['shape'], name: 'shape', opType: 'Shape' },
      {
        input: ['shape', 'one_index'],
        output: ['c'],
        name: 'c',
        opType: 'Gather',
        attribute: [{ name: 'axis', i: 0, type: 2 }],
      },
      {
        input: ['shape', 'zero_index'],
        output: ['n64'],
        name: 'n',
        opType: 'Gather',
        attribute: [{ name: 'axis', i: 0, type: 2 }],
      },
      {
        input: ['n64'],
        output: ['n'],
        name: 'nf',
        opType: 'Cast',
        attribute: [{ name: 'to', i: FLOAT, type: 2 }],
      },
      {
        input: ['c'],
        output: ['c32'],
        name: 'c32',
        opType: 'Cast',
        attribute: [{ name: 'to', i: INT32, type: 2 }],
      },
      {
        input: ['labels', 'c32', 'onehot_values'],
        output: ['onehot'],
        name: 'onehot',
        opType: 'OneHot',
        attribute: [{ name: 'axis', i: -1, type: 2 }],
      },
      { input: ['prob', 'onehot'], output: ['diff'], name: 'sub', opType: 'Sub' },
      { input: ['diff', 'n'], output: ['grad'], name: 'div', opType: 'Div' },
    );
    initializer.push(
      { dims: [], dataType: 7, int64Data: [1], name: 'one_index' },
      { dims: [], dataType: 7, int64Data: [0], name: 'zero_index' },
      { dims: [2], dataType: FLOAT, floatData: [0, 1], name: 'onehot_values' },
    );
    outputs.push(info('grad', FLOAT, ['N', 'C']));
  }
  const model = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'xent-bench',
    graph: {
      name: 'sce',
      node: nodes,
      initializer,
      input: [info('scores', FLOAT, ['N', 'C']), info('labels', INT32, ['N'])],
      output: outputs,
    },
  };
  return Model.encode(Model.fromObject(model)).finish();
}
