package org.fusioncds.flow;

import java.util.Arrays;

/**
 * Why the model said what it said about the image: occlusion sensitivity (Zeiler and Fergus 2014)
 * computed with the same graph. The image tensor is cut into a {@code rows}×{@code columns} grid;
 * each cell is replaced by the model card's fill value (what the model reads as "no image") in one
 * copy of the inputs, and every copy is run; a cell's value is the first output's probability with
 * the whole image minus the probability with that cell hidden (positive: the cell spoke for the
 * finding).
 *
 * @param graph the graph that ran (the result's)
 * @param delta row-major, {@code rows * columns} values; owned by the record: callers must not
 *     change it
 * @param baseProbability the first output's probability with nothing hidden
 * @param graphRuns the masked copies run (one sample each, batched by the graph's batcher)
 * @param millis wall time of the whole explanation
 */
public record Explanation(
    String graph,
    int rows,
    int columns,
    double[] delta,
    double baseProbability,
    int graphRuns,
    double millis) {

  public Explanation {
    if (rows < 1 || columns < 1 || delta.length != rows * columns) {
      throw new IllegalArgumentException(
          "explanation grid "
              + rows
              + "x"
              + columns
              + " needs that many values, got "
              + delta.length);
    }
  }

  /** The value of the cell in row {@code r}, column {@code c}. */
  public double at(int r, int c) {
    return delta[r * columns + c];
  }

  /** The largest absolute cell value (0 when the map is flat zero). */
  public double maxAbs() {
    return Arrays.stream(delta).map(Math::abs).max().orElse(0);
  }

  @Override
  public String toString() {
    return "Explanation[" + graph + ", " + rows + "x" + columns + ", " + graphRuns + " runs]";
  }
}
