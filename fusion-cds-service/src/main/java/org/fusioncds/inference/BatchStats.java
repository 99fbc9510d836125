package org.fusioncds.inference;

/**
 * What one graph's batcher has done since the model was loaded: batches run, samples run (their
 * ratio is the mean batch size), and samples waiting now.
 */
public record BatchStats(String model, String graph, long batches, long samples, int waiting) {}
