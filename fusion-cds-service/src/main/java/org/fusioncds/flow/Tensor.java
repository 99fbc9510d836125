package org.fusioncds.flow;

import java.util.Arrays;

/**
 * A named float32 tensor, C order. The array is owned by the tensor: callers must not change it.
 *
 * @param shape dimensions including the batch dimension (1 when served)
 */
public record Tensor(String name, long[] shape, float[] data) {

  public Tensor {
    long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    if (n != data.length) {
      throw new IllegalArgumentException(
          "tensor " + name + ": shape " + Arrays.toString(shape) + " needs " + n + " values");
    }
  }

  /** The shape as printed in messages, e.g. {@code [1, 12]}. */
  public String shapeText() {
    return Arrays.toString(shape);
  }
}
