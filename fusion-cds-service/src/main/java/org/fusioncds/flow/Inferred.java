package org.fusioncds.flow;

/**
 * The model ran on the inputs: its result, ready for the write-back.
 *
 * @param explanation the occlusion map of the image ({@code inference.explain}), or null when none
 *     was computed (no image, or the explanation turned off)
 */
public record Inferred(EvaluationInputs inputs, InferenceResult result, Explanation explanation)
    implements Keyed {

  /** The result without an explanation (yet). */
  public Inferred(EvaluationInputs inputs, InferenceResult result) {
    this(inputs, result, null);
  }

  /** The same stage with the explanation of its image. */
  public Inferred explained(Explanation e) {
    return new Inferred(inputs, result, e);
  }

  @Override
  public EvaluationJob job() {
    return inputs.job();
  }

  @Override
  public ResultKey key() {
    return inputs.key();
  }
}
