package org.fusioncds.sandbox.cohort;

import java.util.EnumMap;
import java.util.List;

/**
 * The Observations of one patient and, per measure, the truth an assembler should find: the
 * canonical value of the latest in-window Observation (absent when the measure is missing).
 */
record Measurements(List<Measurement> all, EnumMap<Measure, Double> current, boolean labsMissing) {}
