/**
 * Step: inference — model registry, ONNX Runtime sessions (CPU by default, CUDA when asked and
 * present), pre/predict/post.
 *
 * <p>A model is known only through its {@link org.fusioncds.model.ModelCard} (YAML, read by {@link
 * org.fusioncds.model.ModelCards}); graphs are opened by {@link
 * org.fusioncds.inference.ModelRegistry} after their SHA-256 matches the card. Outputs carry the
 * card's warning (MONAI Deploy habit: AI output labelled, not for clinical use until validated).
 *
 * <p>Error codes 5000–5999: 50xx the card (5001 unreadable YAML, 5002 missing or invalid field,
 * 5003 reference to an undeclared tensor, graph or feature), 51xx graphs and sessions (5101 file
 * missing, 5102 hash differs, 5103 ONNX Runtime could not open it, 5104 graph disagrees with the
 * card, 5105 models folder problems), 52xx running (5201 input tensor missing, 5202 shape differs,
 * 5203 dtype differs, 5204 unknown graph, 5205 unknown model, 5206 run failed, 5207 output missing
 * or not finite).
 */
package org.fusioncds.inference;
