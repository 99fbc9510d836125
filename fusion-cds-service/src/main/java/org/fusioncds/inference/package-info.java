/**
 * Step: inference — model registry, ONNX Runtime sessions (CPU by default, CUDA when asked and
 * present), pre/predict/post.
 *
 * <p>A model is known only through its {@link org.fusioncds.model.ModelCard} (YAML, read by {@link
 * org.fusioncds.model.ModelCards}); graphs are opened by {@link
 * org.fusioncds.inference.ModelRegistry} after their SHA-256 matches the card. Outputs carry the
 * card's warning (MONAI Deploy habit: AI output labelled, not for clinical use until validated).
 * Before the model runs, {@link org.fusioncds.inference.OodCheck} measures the case's distance to
 * the training cases in the fused embedding; beyond the card's threshold the model does not speak.
 *
 * <p>Error codes ({@link org.fusioncds.error.ErrorCode}; code, HTTP status, meaning):
 *
 * <ul>
 *   <li>FCDS-5001 (500) model card unreadable YAML
 *   <li>FCDS-5002 (500) model card field missing or invalid
 *   <li>FCDS-5003 (500) model card reference to an undeclared tensor, graph or feature
 *   <li>FCDS-5101 (500) graph file missing
 *   <li>FCDS-5102 (500) graph file hash differs from the model card
 *   <li>FCDS-5103 (500) ONNX Runtime could not open or describe the graph
 *   <li>FCDS-5104 (500) graph disagrees with the model card
 *   <li>FCDS-5105 (500) models folder problems
 *   <li>FCDS-5106 (500) inference settings invalid
 *   <li>FCDS-5201 (500) input tensor missing
 *   <li>FCDS-5202 (500) input tensor shape differs
 *   <li>FCDS-5203 (500) input tensor dtype differs
 *   <li>FCDS-5204 (500) unknown graph
 *   <li>FCDS-5205 (500) unknown model
 *   <li>FCDS-5206 (500) ONNX Runtime run failed
 *   <li>FCDS-5207 (500) graph output missing or not finite
 *   <li>FCDS-5301 (500) inference failed
 *   <li>FCDS-5302 (500) interrupted while waiting for the model
 *   <li>FCDS-5303 (500) the model did not answer in time
 *   <li>FCDS-5304 (503) too many evaluations wait for the model
 *   <li>FCDS-5401 (500) the model card's fusion strategy is unknown
 *   <li>FCDS-5402 (500) the model card's fusion strategy lacks what it needs or names unknown
 *       graphs
 *   <li>FCDS-5600 (422) the case lies outside the model's training distribution (fused-embedding
 *       distance above the card's threshold)
 *   <li>FCDS-5601 (500) the model's out-of-distribution statistics are unusable
 *   <li>FCDS-5602 (500) the out-of-distribution statistics cannot be fitted
 * </ul>
 */
package org.fusioncds.inference;
