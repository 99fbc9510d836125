package org.fusioncds.dicom.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test helpers: pulls JPEG codestreams out of encapsulated DICOM pixel data (without a DICOM
 * parser) and gets reference pixels from DCMTK's {@code dcmdjpeg}.
 */
final class JpegExtendedFixtures {

  private JpegExtendedFixtures() {}

  /** The bytes of (7FE0,0010) OB with undefined length. */
  private static final byte[] PIXEL_DATA_UNDEFINED = {
    (byte) 0xE0, 0x7F, 0x10, 0x00, 0x4F, 0x42, 0x00, 0x00, -1, -1, -1, -1
  };

  /**
   * The JPEG codestream of each frame of an encapsulated DICOM file: fragments after the basic
   * offset table, a frame starting at each fragment that begins with FFD8.
   */
  static List<byte[]> frames(Path dicomFile) throws IOException {
    byte[] f = Files.readAllBytes(dicomFile);
    int p = lastIndexOf(f, PIXEL_DATA_UNDEFINED);
    if (p < 0) {
      throw new IllegalStateException("no encapsulated pixel data in " + dicomFile);
    }
    p += PIXEL_DATA_UNDEFINED.length;
    List<byte[]> frames = new ArrayList<>();
    ByteArrayOutputStream current = null;
    boolean first = true;
    while (p + 8 <= f.length) {
      int group = le16(f, p);
      int element = le16(f, p + 2);
      long len = le32(f, p + 4) & 0xFFFFFFFFL;
      p += 8;
      if (group != 0xFFFE || element != 0xE000) {
        break; // sequence delimiter
      }
      if (p + len > f.length) {
        throw new IllegalStateException("fragment runs past the end of " + dicomFile);
      }
      if (first) {
        first = false; // basic offset table
      } else {
        boolean frameStart = len >= 2 && (f[p] & 0xFF) == 0xFF && (f[p + 1] & 0xFF) == 0xD8;
        if (frameStart || current == null) {
          if (current != null) {
            frames.add(current.toByteArray());
          }
          current = new ByteArrayOutputStream();
        }
        current.write(f, p, (int) len);
      }
      p += (int) len;
    }
    if (current != null) {
      frames.add(current.toByteArray());
    }
    return frames;
  }

  /** Whether {@code dcmdjpeg} can be run. */
  static boolean dcmtkAvailable() {
    try {
      Process pr = new ProcessBuilder("dcmdjpeg", "--version").redirectErrorStream(true).start();
      pr.getInputStream().readAllBytes();
      return pr.waitFor(30, TimeUnit.SECONDS) && pr.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Decompresses with {@code dcmdjpeg +cn +px} (no colour conversion, colour-by-pixel) and returns
   * the native pixel data of all frames: unsigned 8-bit, or 16-bit little endian when {@code
   * bytesPerSample} is 2, as ints.
   */
  static int[] dcmtkPixels(Path dicomFile, Path tempDir, int expectedSamples, int bytesPerSample)
      throws IOException, InterruptedException {
    Path out = tempDir.resolve(dicomFile.getFileName() + ".raw.dcm");
    Process pr =
        new ProcessBuilder("dcmdjpeg", "+cn", "+px", dicomFile.toString(), out.toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(pr.getInputStream().readAllBytes());
    if (!pr.waitFor(120, TimeUnit.SECONDS) || pr.exitValue() != 0) {
      throw new IllegalStateException("dcmdjpeg failed on " + dicomFile + ": " + log);
    }
    byte[] f = Files.readAllBytes(out);
    long byteLength = (long) expectedSamples * bytesPerSample;
    int start = findNativePixelData(f, byteLength);
    int[] px = new int[expectedSamples];
    for (int i = 0; i < expectedSamples; i++) {
      px[i] = bytesPerSample == 1 ? f[start + i] & 0xFF : le16(f, start + 2 * i);
    }
    return px;
  }

  /** Start of the value of (7FE0,0010) OB/OW with the given length (explicit VR LE). */
  private static int findNativePixelData(byte[] f, long byteLength) {
    for (int p = f.length - 12; p >= 0; p--) {
      if ((f[p] & 0xFF) == 0xE0
          && f[p + 1] == 0x7F
          && f[p + 2] == 0x10
          && f[p + 3] == 0x00
          && f[p + 4] == 'O'
          && (f[p + 5] == 'W' || f[p + 5] == 'B')
          && (le32(f, p + 8) & 0xFFFFFFFFL) == byteLength
          && p + 12 + byteLength <= f.length) {
        return p + 12;
      }
    }
    throw new IllegalStateException("no native pixel data of " + byteLength + " bytes found");
  }

  /** Maximum absolute difference and number of differing samples, as {max, count}. */
  static long[] compare(int[] actual, int actualOffset, int[] expected, int expectedOffset, int n) {
    long max = 0;
    long count = 0;
    for (int i = 0; i < n; i++) {
      int diff = Math.abs(actual[actualOffset + i] - expected[expectedOffset + i]);
      if (diff != 0) {
        count++;
        max = Math.max(max, diff);
      }
    }
    return new long[] {max, count};
  }

  static int lastIndexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = hay.length - needle.length; i >= 0; i--) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Offset of the first marker FF{@code code} in a codestream, or -1. */
  static int indexOfMarker(byte[] cs, int code) {
    for (int i = 0; i + 1 < cs.length; i++) {
      if ((cs[i] & 0xFF) == 0xFF && (cs[i + 1] & 0xFF) == code) {
        return i;
      }
    }
    return -1;
  }

  static int le16(byte[] b, int p) {
    return (b[p] & 0xFF) | ((b[p + 1] & 0xFF) << 8);
  }

  static int le32(byte[] b, int p) {
    return le16(b, p) | (le16(b, p + 2) << 16);
  }
}
