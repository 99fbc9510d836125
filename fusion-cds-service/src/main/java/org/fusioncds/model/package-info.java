/**
 * The model card: the only source of a model's facts (id, version, graphs and their SHA-256,
 * inputs, features, study eligibility and its wording, outputs, thresholds, intended use), read
 * from {@code models/<id>/model-card.yaml} and validated; and the study selection it declares. Both
 * {@code assemble} and {@code inference} read it; it imports neither.
 */
package org.fusioncds.model;
