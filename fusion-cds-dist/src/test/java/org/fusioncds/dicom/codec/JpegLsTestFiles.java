package org.fusioncds.dicom.codec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Minimal, test-only access to DICOM files for the JPEG-LS tests: the codestreams of encapsulated
 * pixel data, the native pixel data of explicit VR little endian files, and DCMTK (dcmcjpls,
 * dcmdjpls) to encode and decode. Not a DICOM parser: it trusts the few files it is given.
 */
final class JpegLsTestFiles {

  private JpegLsTestFiles() {}

  static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The offset of the last top-level (7FE0,0010) header in explicit VR little endian. */
  private static int pixelDataTag(byte[] f) {
    for (int i = f.length - 12; i >= 132; i--) {
      if (f[i] == (byte) 0xE0
          && f[i + 1] == 0x7F
          && f[i + 2] == 0x10
          && f[i + 3] == 0x00
          && f[i + 4] == 'O'
          && (f[i + 5] == 'B' || f[i + 5] == 'W')
          && f[i + 6] == 0
          && f[i + 7] == 0) {
        return i;
      }
    }
    throw new IllegalStateException("no (7FE0,0010) OB/OW element found");
  }

  private static int le32(byte[] f, int at) {
    return (f[at] & 0xFF)
        | (f[at + 1] & 0xFF) << 8
        | (f[at + 2] & 0xFF) << 16
        | (f[at + 3] & 0xFF) << 24;
  }

  /**
   * The JPEG-LS codestream of each frame of an encapsulated file: the fragments after the basic
   * offset table, a new frame starting at every fragment that begins with SOI.
   */
  static List<byte[]> frames(byte[] f) {
    int at = pixelDataTag(f);
    if (le32(f, at + 8) != -1) {
      throw new IllegalStateException("pixel data is not encapsulated");
    }
    int p = at + 12;
    List<byte[]> frames = new ArrayList<>();
    boolean first = true;
    byte[] current = null;
    while (p + 8 <= f.length) {
      int group = (f[p] & 0xFF) | (f[p + 1] & 0xFF) << 8;
      int element = (f[p + 2] & 0xFF) | (f[p + 3] & 0xFF) << 8;
      int length = le32(f, p + 4);
      p += 8;
      if (group != 0xFFFE || element != 0xE000) {
        break; // sequence delimiter
      }
      byte[] fragment = Arrays.copyOfRange(f, p, p + length);
      p += length;
      if (first) {
        first = false; // basic offset table
        continue;
      }
      if (fragment.length >= 2 && fragment[0] == (byte) 0xFF && fragment[1] == (byte) 0xD8) {
        if (current != null) {
          frames.add(current);
        }
        current = fragment;
      } else {
        byte[] joined = Arrays.copyOf(current, current.length + fragment.length);
        System.arraycopy(fragment, 0, joined, current.length, fragment.length);
        current = joined;
      }
    }
    if (current != null) {
      frames.add(current);
    }
    return frames;
  }

  /** The native pixel data value (explicit VR little endian file). */
  static byte[] nativePixelData(byte[] f) {
    int at = pixelDataTag(f);
    int length = le32(f, at + 8);
    return Arrays.copyOfRange(f, at + 12, at + 12 + length);
  }

  /** {@code count} unsigned samples of a frame, little endian, 1 or 2 bytes each. */
  static int[] samples(byte[] pixelData, int frame, int count, int bytesPerSample) {
    int[] out = new int[count];
    int base = frame * count * bytesPerSample;
    for (int i = 0; i < count; i++) {
      int o = base + i * bytesPerSample;
      out[i] =
          bytesPerSample == 1
              ? pixelData[o] & 0xFF
              : (pixelData[o] & 0xFF) | (pixelData[o + 1] & 0xFF) << 8;
    }
    return out;
  }

  static boolean dcmtkAvailable() {
    try {
      Process p = new ProcessBuilder("dcmdjpls", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static void run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The pixel data DCMTK decodes from a JPEG-LS file, colour by pixel. */
  static byte[] dcmtkDecoded(Path dcm, Path tempDir) {
    Path out = tempDir.resolve(dcm.getFileName() + ".dcmdjpls.dcm");
    run("dcmdjpls", "+px", dcm.toString(), out.toString());
    return nativePixelData(read(out));
  }

  /** Encodes a native file with dcmcjpls and the given options, returns the output path. */
  static Path dcmtkEncoded(Path dcm, Path tempDir, String name, String... options) {
    Path out = tempDir.resolve(name + ".dcm");
    List<String> cmd = new ArrayList<>();
    cmd.add("dcmcjpls");
    cmd.addAll(List.of(options));
    cmd.add(dcm.toString());
    cmd.add(out.toString());
    run(cmd.toArray(String[]::new));
    return out;
  }

  /** The codestream of the first frame (SOI, then up to EOI and any padding after it). */
  static byte[] firstCodestream(byte[] f) {
    return frames(f).get(0);
  }
}
