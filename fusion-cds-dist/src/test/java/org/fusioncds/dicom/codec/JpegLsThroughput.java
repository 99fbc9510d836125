package org.fusioncds.dicom.codec;

import java.util.List;
import org.fusioncds.testing.TestData;

/**
 * Decodes the two 512x512 16-bit frames of the fragmented CT N times (first argument, default 200)
 * after a warm-up and prints the throughput in MB/s of decoded samples (2 bytes each) and of
 * codestream. Not a test: run it by hand, for example {@code java -cp
 * target/classes:target/test-classes org.fusioncds.dicom.codec.JpegLsThroughput 200}.
 */
public final class JpegLsThroughput {

  private JpegLsThroughput() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    List<byte[]> frames =
        JpegLsTestFiles.frames(
            JpegLsTestFiles.read(TestData.path(JpegLsDecoderTest.CT_FRAGMENTED)));
    long compressed = 0;
    long decoded = 0;
    for (byte[] f : frames) {
      compressed += f.length;
      JpegLsImage image = JpegLsDecoder.decode(f);
      decoded += 2L * image.samples().length;
    }
    for (int i = 0; i < Math.max(20, n / 5); i++) {
      for (byte[] f : frames) {
        JpegLsDecoder.decode(f);
      }
    }
    long checksum = 0;
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      for (byte[] f : frames) {
        checksum += JpegLsDecoder.decode(f).samples()[1000];
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "JPEG-LS CT 512x512x16, %d frames x %d: %.3f s, %.1f MB/s decoded samples,"
            + " %.1f MB/s codestream, %.1f frames/s (checksum %d)%n",
        frames.size(),
        n,
        seconds,
        decoded * n / seconds / 1e6,
        compressed * n / seconds / 1e6,
        frames.size() * n / seconds,
        checksum);
  }
}
