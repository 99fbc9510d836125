package org.fusioncds.evaluate;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * The unseen cohorts of {@code evaluate --seeds}: a count ({@code 10}: that many seeds from {@code
 * first} on, stepping over the reserved ones) or a comma-separated list ({@code 401,402,…}, where a
 * reserved seed is refused: FCDS-8600). Reserved seeds are those of the model cards' {@code
 * trainingCohorts}: a cohort a model was fitted or selected on says nothing about unseen patients.
 */
public final class SeedList {

  /** The most seeds one evaluation takes. */
  public static final int MAX = 100;

  private SeedList() {}

  /** The seeds {@code spec} names, in order. */
  public static List<Long> parse(String spec, long first, Set<Long> reserved) {
    String s = spec == null ? "" : spec.strip();
    if (!s.contains(",")) {
      int count = number(s, spec).intValue();
      if (count < 1 || count > MAX) {
        throw invalid("a count of seeds must be 1 to " + MAX + " (a list has commas)", spec);
      }
      List<Long> out = new ArrayList<>();
      for (long seed = first; out.size() < count; seed++) {
        if (!reserved.contains(seed)) {
          out.add(seed);
        }
      }
      return out;
    }
    Set<Long> out = new LinkedHashSet<>();
    for (String part : s.split(",")) {
      long seed = number(part.strip(), spec);
      if (reserved.contains(seed)) {
        throw new FcdsException(
            ErrorCode.EVAL_SEED_USED_IN_TRAINING,
            "seed "
                + seed
                + " generated a cohort the model was trained or validated on (reserved: "
                + reserved
                + ") — "
                + seed);
      }
      if (!out.add(seed)) {
        throw invalid("a seed is listed twice", spec);
      }
    }
    if (out.size() > MAX) {
      throw invalid("more than " + MAX + " seeds", spec);
    }
    return List.copyOf(out);
  }

  private static Long number(String text, String spec) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw invalid("'" + text + "' is not an integer", spec);
    }
  }

  private static FcdsException invalid(String why, String spec) {
    return new FcdsException(
        ErrorCode.EVAL_SEEDS_INVALID, "invalid --seeds: " + why + " — " + spec);
  }
}
