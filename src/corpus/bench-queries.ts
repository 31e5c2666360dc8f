/** Fixed benchmark queries for the synthetic corpus (see generate.ts): they use its real-word vocabulary head. */

/** Multi-word queries over the synthetic vocabulary's real-word head. */
export const SCALE_QUERIES = [
  'efficient inference memory',
  'kv cache quantization',
  'gaussian splatting rendering',
  'retrieval augmented generation',
  'sparse attention kernel gpu',
  'distributed training throughput',
  'low rank adaptation finetuning',
  'vector search index',
  'diffusion video generation',
  'reinforcement learning reward policy',
  'speech audio tokens',
  'graph neural network',
  'point cloud reconstruction',
  'privacy federated learning',
  'model compression pruning distillation',
  'multimodal alignment instruction',
  'hallucination safety evaluation',
  'streaming serving latency',
  'checkpointing fault tolerance',
  'anomaly detection forecasting',
];
/** Single-word typo queries. */
export const TYPO_QUERIES = [
  'quantizaton',
  'atention',
  'retreival',
  'splating',
  'gausian',
  'distilation',
  'compresion',
  'throughtput',
  'reinforcment',
  'segmentaton',
];
