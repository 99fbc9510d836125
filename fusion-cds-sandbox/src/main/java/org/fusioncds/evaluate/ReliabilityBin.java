package org.fusioncds.evaluate;

/**
 * One equal-width bin of a reliability diagram: scores in [lower, upper) (the last bin also holds
 * 1.0), how many fell in it, their mean, and the observed rate of the outcome among them. Mean and
 * rate are NaN for an empty bin.
 */
public record ReliabilityBin(
    double lower, double upper, long count, double meanPredicted, double observedRate) {}
