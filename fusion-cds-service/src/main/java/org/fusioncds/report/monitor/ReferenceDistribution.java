package org.fusioncds.report.monitor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * The evaluation cohort's distribution of the model's probability: the 9 inner deciles of the
 * cohort's probabilities as bin edges (10 bins), and the share of the cohort in each bin (0.1 each
 * unless probabilities tie at an edge). {@code fusion-cds evaluate} writes it from the default
 * graph's probabilities ({@code reference-distribution.json}); the model owner's page compares the
 * probabilities the served model gave with it (PSI). A value {@code p} falls in bin {@code i} when
 * {@code edges[i-1] <= p < edges[i]}.
 *
 * @param source where the probabilities come from (the cohort, its size and seed, the command)
 */
public record ReferenceDistribution(
    String model,
    String version,
    String graph,
    String source,
    int n,
    double[] edges,
    double[] fractions) {

  public static final int BINS = 10;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public ReferenceDistribution {
    edges = edges.clone();
    fractions = fractions.clone();
  }

  /** The distribution of {@code probabilities} (at least {@value #BINS}) at its own deciles. */
  public static ReferenceDistribution of(
      String model, String version, String graph, String source, List<Double> probabilities) {
    double[] sorted = probabilities.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (sorted.length < BINS) {
      throw new FcdsException(
          ErrorCode.MODEL_REFERENCE_UNREADABLE,
          "a reference distribution needs at least " + BINS + " probabilities — " + sorted.length);
    }
    double[] edges = new double[BINS - 1];
    for (int i = 1; i < BINS; i++) {
      edges[i - 1] = MonitorMath.quantile(sorted, i / (double) BINS);
    }
    long[] counts = new long[BINS];
    for (double p : sorted) {
      counts[bin(edges, p)]++;
    }
    double[] fractions = new double[BINS];
    for (int i = 0; i < BINS; i++) {
      fractions[i] = counts[i] / (double) sorted.length;
    }
    return new ReferenceDistribution(
        model, version, graph, source, sorted.length, edges, fractions);
  }

  /** The bin of a probability. */
  public int bin(double p) {
    return bin(edges, p);
  }

  private static int bin(double[] edges, double p) {
    int i = 0;
    while (i < edges.length && p >= edges[i]) {
      i++;
    }
    return i;
  }

  /** Reads {@code file}; FCDS-6302 when it cannot be read or is not a distribution of 10 bins. */
  public static ReferenceDistribution read(Path file) {
    ReferenceDistribution r;
    try {
      r = JSON.readValue(file.toFile(), ReferenceDistribution.class);
    } catch (IOException e) {
      throw new FcdsException(
          ErrorCode.MODEL_REFERENCE_UNREADABLE,
          "reference distribution unreadable — " + file + ": " + e.getMessage(),
          e);
    }
    double sum = Arrays.stream(r.fractions()).sum();
    boolean sortedEdges = true;
    for (int i = 1; i < r.edges().length; i++) {
      sortedEdges &= r.edges()[i] >= r.edges()[i - 1];
    }
    if (r.edges().length != BINS - 1
        || r.fractions().length != BINS
        || Math.abs(sum - 1) > 1e-6
        || !sortedEdges
        || r.n() < BINS) {
      throw new FcdsException(
          ErrorCode.MODEL_REFERENCE_UNREADABLE,
          "reference distribution invalid — "
              + file
              + ": edges "
              + r.edges().length
              + ", fractions "
              + r.fractions().length
              + " summing to "
              + sum
              + ", n "
              + r.n());
    }
    return r;
  }

  /** Writes it as JSON. */
  public void write(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      JSON.writeValue(file.toFile(), this);
    } catch (IOException e) {
      throw new FcdsException(
          ErrorCode.MODEL_REFERENCE_UNREADABLE,
          "reference distribution not writable — " + file + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReferenceDistribution r
        && model.equals(r.model)
        && version.equals(r.version)
        && n == r.n
        && Arrays.equals(edges, r.edges)
        && Arrays.equals(fractions, r.fractions);
  }

  @Override
  public int hashCode() {
    return model.hashCode() * 31 + Arrays.hashCode(edges);
  }

  @Override
  public String toString() {
    return "ReferenceDistribution["
        + model
        + " "
        + version
        + ", n="
        + n
        + ", edges="
        + Arrays.toString(edges)
        + "]";
  }
}
