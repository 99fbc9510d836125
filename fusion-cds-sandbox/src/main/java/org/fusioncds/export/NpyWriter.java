package org.fusioncds.export;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * Writes NumPy {@code .npy} format 1.0 arrays (little endian, C order, {@code <f4} or {@code <i8}),
 * streaming: declare the shape, append values, close. Closing checks that exactly the declared
 * number of values was written (4401).
 */
public final class NpyWriter implements AutoCloseable {

  private final OutputStream out;
  private final long expected;
  private final int width;
  private final Path file;
  private long written;

  private NpyWriter(Path file, String descr, int width, long[] shape) throws IOException {
    this.file = file;
    this.width = width;
    this.expected = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
    out.write(header(descr, shape));
  }

  /** A float32 array of that shape. */
  public static NpyWriter float32(Path file, long... shape) {
    return open(file, "<f4", 4, shape);
  }

  /** An int64 array of that shape. */
  public static NpyWriter int64(Path file, long... shape) {
    return open(file, "<i8", 8, shape);
  }

  /** Writes a whole float32 array. */
  public static void write(Path file, long[] shape, float[] data) {
    try (NpyWriter w = float32(file, shape)) {
      w.append(data);
    }
  }

  /** Writes a whole int64 array. */
  public static void write(Path file, long[] shape, long[] data) {
    try (NpyWriter w = int64(file, shape)) {
      w.append(data);
    }
  }

  private static NpyWriter open(Path file, String descr, int width, long[] shape) {
    try {
      return new NpyWriter(file, descr, width, shape);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public NpyWriter append(float... values) {
    ByteBuffer b = buffer(values.length, 4);
    for (float v : values) {
      b.putFloat(v);
    }
    return flush(b, values.length);
  }

  public NpyWriter append(long... values) {
    ByteBuffer b = buffer(values.length, 8);
    for (long v : values) {
      b.putLong(v);
    }
    return flush(b, values.length);
  }

  private ByteBuffer buffer(int n, int w) {
    if (w != width) {
      throw new FcdsException(
          ErrorCode.NPY_TYPE, "npy element type differs from the declared one — " + file);
    }
    return ByteBuffer.allocate(n * w).order(ByteOrder.LITTLE_ENDIAN);
  }

  private NpyWriter flush(ByteBuffer b, int n) {
    if (written + n > expected) {
      throw new FcdsException(
          ErrorCode.NPY_VALUE_COUNT, "more values than the npy shape holds — " + file);
    }
    try {
      out.write(b.array());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    written += n;
    return this;
  }

  /** Magic, version 1.0, header length, then the dict padded with spaces to a multiple of 64. */
  static byte[] header(String descr, long[] shape) {
    String dims = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
    String tuple = shape.length == 1 ? "(" + dims + ",)" : "(" + dims + ")";
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + tuple + ", }";
    int total = 10 + dict.length() + 1;
    int padded = (total + 63) / 64 * 64;
    String text = dict + " ".repeat(padded - total) + "\n";
    ByteBuffer b = ByteBuffer.allocate(padded).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    b.putShort((short) text.length()).put(text.getBytes(StandardCharsets.US_ASCII));
    return b.array();
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (written != expected) {
      throw new FcdsException(
          ErrorCode.NPY_VALUE_COUNT,
          "npy shape holds " + expected + " values, " + written + " written — " + file);
    }
  }
}
