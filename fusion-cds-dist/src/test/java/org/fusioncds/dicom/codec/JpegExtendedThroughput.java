package org.fusioncds.dicom.codec;

import java.util.List;
import org.fusioncds.testing.TestData;

/**
 * Not a test: decodes the two 512 x 512 12-bit CT frames N times (default 200) and prints the
 * decoded throughput in MB/s of 16-bit output samples and in frames per second. Run with {@code
 * java -cp target/classes:target/test-classes org.fusioncds.dicom.codec.JpegExtendedThroughput [N]}
 * from the repository root.
 */
public final class JpegExtendedThroughput {

  private JpegExtendedThroughput() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    List<byte[]> frames =
        JpegExtendedFixtures.frames(
            TestData.path("dicom/multiframe/CT0012.fragmented_no_bot_jpeg_baseline.51.dcm"));
    long compressed = 0;
    for (byte[] f : frames) {
      compressed += f.length;
    }
    long sink = 0;
    for (int i = 0; i < Math.max(20, n / 5); i++) { // warm-up
      for (byte[] f : frames) {
        sink += JpegExtendedDecoder.decode(f).samples()[i % 1000];
      }
    }
    long outBytes = 0;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      for (byte[] f : frames) {
        JpegExtendedImage img = JpegExtendedDecoder.decode(f);
        outBytes += 2L * img.samples().length;
        sink += img.samples()[i % 1000];
      }
    }
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "%d decodes of %d CT frames (512x512, 12-bit, %d compressed bytes): %.2f s, %.1f MB/s"
            + " decoded (16-bit samples), %.1f MB/s compressed, %.0f frames/s (checksum %d)%n",
        n,
        frames.size(),
        compressed,
        s,
        outBytes / s / 1e6,
        n * compressed / s / 1e6,
        n * frames.size() / s,
        sink);
  }
}
