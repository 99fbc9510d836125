package org.fusioncds.dicom.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.plugins.jpeg.JPEGImageWriteParam;
import javax.imageio.plugins.jpeg.JPEGQTable;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.fusioncds.dicom.DicomException;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Codestream shapes the reference files lack (restart intervals, one scan per component, 4:2:0,
 * 16-bit quantisation tables, 12-bit colour, odd sizes), made by the test encoder or the JDK's JPEG
 * writer. 8-bit streams are compared with the JDK's JPEG reader (libjpeg 6b, islow IDCT, fancy
 * upsampling) reading the raw components; 12-bit ones, coded with quantiser 1, with the source.
 */
class JpegExtendedSyntheticStreamTest {

  /** A smooth test plane, values within [0, 2^precision - 1]. */
  private static int[] plane(int w, int h, int precision, double phase) {
    int max = (1 << precision) - 1;
    int[] p = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double v =
            0.5
                + 0.35 * Math.sin(x / 6.0 + phase) * Math.cos(y / 4.5 - phase)
                + 0.1 * Math.sin((x + y) / 11.0);
        p[y * w + x] = (int) Math.round(Math.max(0, Math.min(1, v)) * max);
      }
    }
    return p;
  }

  private static JpegExtendedTestEncoder.Spec spec(
      int precision, int w, int h, int[] hs, int[] vs, int quantValue) {
    JpegExtendedTestEncoder.Spec s = new JpegExtendedTestEncoder.Spec();
    s.precision = precision;
    s.width = w;
    s.height = h;
    s.h = hs;
    s.v = vs;
    s.planes = new int[hs.length][];
    s.quant = new int[hs.length][];
    for (int c = 0; c < hs.length; c++) {
      s.planes[c] =
          plane(
              JpegExtendedTestEncoder.componentWidth(s, c),
              JpegExtendedTestEncoder.componentHeight(s, c),
              precision,
              c * 1.3);
      s.quant[c] = new int[64];
      Arrays.fill(s.quant[c], quantValue);
    }
    return s;
  }

  /** Raw (not colour-converted) samples as the JDK's libjpeg decodes them, interleaved. */
  private static int[] jdkRaw(byte[] cs) throws IOException {
    ImageReader reader = jdk(ImageIO.getImageReadersByFormatName("jpeg"));
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(cs))) {
      reader.setInput(in);
      Raster r = reader.readRaster(0, null);
      return r.getPixels(0, 0, r.getWidth(), r.getHeight(), (int[]) null);
    } finally {
      reader.dispose();
    }
  }

  /** The JDK's own plugin (libjpeg 6b), whatever other JPEG plugins are registered. */
  private static <T> T jdk(Iterator<T> plugins) {
    while (plugins.hasNext()) {
      T p = plugins.next();
      if (p.getClass().getName().startsWith("com.sun.imageio.plugins.jpeg.")) {
        return p;
      }
    }
    throw new IllegalStateException("the JDK's JPEG ImageIO plugin is not registered");
  }

  private static long[] assertWithin(int[] expected, int[] actual, int tolerance, String what) {
    assertEquals(expected.length, actual.length, what + ": sample count");
    long[] d = JpegExtendedFixtures.compare(actual, 0, expected, 0, expected.length);
    System.out.printf(
        "%s: max |diff| = %d, differing samples = %d of %d%n", what, d[0], d[1], expected.length);
    assertTrue(d[0] <= tolerance, what + ": max difference " + d[0] + " (" + d[1] + " samples)");
    return d;
  }

  @Test
  void decodes12BitGreyWithRestartsAndSixteenBitTablesWithinTwoOfSource() {
    JpegExtendedTestEncoder.Spec s = spec(12, 77, 45, new int[] {1}, new int[] {1}, 1);
    s.sixteenBitTables = true;
    s.restartInterval = 7;
    JpegExtendedImage img = JpegExtendedDecoder.decode(JpegExtendedTestEncoder.encode(s));
    assertEquals(77, img.width());
    assertEquals(45, img.height());
    assertEquals(12, img.precision());
    assertWithin(s.planes[0], img.samples(), 2, "12-bit grey, RST every 7 MCUs");
  }

  @Test
  void decodes12BitYcbcr420OneScanPerComponentLikeInterleaved() {
    JpegExtendedTestEncoder.Spec s = spec(12, 61, 35, new int[] {2, 1, 1}, new int[] {2, 1, 1}, 1);
    s.restartInterval = 3;
    s.sixteenBitTables = true;
    JpegExtendedImage interleaved = JpegExtendedDecoder.decode(JpegExtendedTestEncoder.encode(s));
    s.interleaved = false;
    byte[] multiScan = JpegExtendedTestEncoder.encode(s);
    assertEquals(3, countMarkers(multiScan, 0xDA));
    JpegExtendedImage separate = JpegExtendedDecoder.decode(multiScan);
    assertArrayEquals(interleaved.samples(), separate.samples());
    int[] y = new int[61 * 35];
    for (int i = 0; i < y.length; i++) {
      y[i] = separate.samples()[3 * i];
    }
    assertWithin(s.planes[0], y, 2, "12-bit 4:2:0, 3 scans, Y vs source");
  }

  @Test
  void decodes8Bit420OneScanPerComponentWithRestartsWithinTwoOfLibjpeg() throws IOException {
    JpegExtendedTestEncoder.Spec s = spec(8, 83, 51, new int[] {2, 1, 1}, new int[] {2, 1, 1}, 3);
    s.quant[0][40] = 300; // forces 16-bit precision tables
    s.sixteenBitTables = true;
    s.interleaved = false;
    s.restartInterval = 5;
    byte[] cs = JpegExtendedTestEncoder.encode(s);
    JpegExtendedImage img = JpegExtendedDecoder.decode(cs);
    assertWithin(jdkRaw(cs), img.samples(), 2, "8-bit 4:2:0, 3 scans, RST every 5");
  }

  @Test
  void decodesOddSizesAndSubsamplingsWithinTwoOfLibjpeg() throws IOException {
    int[][][] samplings = {
      {{2, 1, 1}, {2, 1, 1}}, {{2, 1, 1}, {1, 1, 1}}, {{1, 1, 1}, {2, 1, 1}}, {{1, 1, 1}, {1, 1, 1}}
    };
    int[][] sizes = {{1, 1}, {2, 3}, {3, 2}, {5, 17}, {17, 9}, {33, 31}};
    List<String> failures = new ArrayList<>();
    for (int[][] hv : samplings) {
      for (int[] size : sizes) {
        for (boolean interleaved : new boolean[] {true, false}) {
          JpegExtendedTestEncoder.Spec s = spec(8, size[0], size[1], hv[0], hv[1], 2);
          s.interleaved = interleaved;
          s.sofMarker = 0xC0;
          byte[] cs = JpegExtendedTestEncoder.encode(s);
          String what =
              String.format(
                  "8-bit %dx%d, Y sampling %dx%d, %s",
                  size[0], size[1], hv[0][0], hv[1][0], interleaved ? "interleaved" : "3 scans");
          int[] expected = jdkRaw(cs);
          int[] actual = JpegExtendedDecoder.decode(cs).samples();
          if (hv[1][0] == 2 && hv[0][0] == 1) {
            // 1x2 (vertical-only) chroma: this JDK's libjpeg-turbo interpolates, IJG 6b (DCMTK)
            // and this decoder replicate rows; compare the full-resolution Y only
            for (int i = 0; i < expected.length; i++) {
              if (i % 3 != 0) {
                expected[i] = actual[i];
              }
            }
          }
          long[] d = JpegExtendedFixtures.compare(actual, 0, expected, 0, expected.length);
          if (d[0] > 2) {
            failures.add(what + ": max difference " + d[0]);
          }
        }
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  void decodesJdkWritten422WithRestartsAndSixteenBitTablesWithinTwoOfLibjpeg() throws IOException {
    BufferedImage img = new BufferedImage(131, 67, BufferedImage.TYPE_3BYTE_BGR);
    int[] r = plane(131, 67, 8, 0);
    int[] g = plane(131, 67, 8, 1);
    int[] b = plane(131, 67, 8, 2);
    for (int i = 0; i < r.length; i++) {
      img.setRGB(i % 131, i / 131, (r[i] << 16) | (g[i] << 8) | b[i]);
    }
    ImageWriter writer = jdk(ImageIO.getImageWritersByFormatName("jpeg"));
    JPEGImageWriteParam param = (JPEGImageWriteParam) writer.getDefaultWriteParam();
    IIOMetadata md = writer.getDefaultImageMetadata(new ImageTypeSpecifier(img), param);
    String format = "javax_imageio_jpeg_image_1.0";
    Element root = (Element) md.getAsTree(format);
    Element seq = (Element) root.getElementsByTagName("markerSequence").item(0);
    IIOMetadataNode dri = new IIOMetadataNode("dri");
    dri.setAttribute("interval", "3");
    seq.insertBefore(dri, seq.getElementsByTagName("sos").item(0));
    Element y = (Element) root.getElementsByTagName("componentSpec").item(0);
    y.setAttribute("HsamplingFactor", "2");
    y.setAttribute("VsamplingFactor", "1");
    NodeList tables = root.getElementsByTagName("dqtable");
    for (int i = 0; i < tables.getLength(); i++) {
      IIOMetadataNode t = (IIOMetadataNode) tables.item(i);
      int[] q = new int[64];
      for (int k = 0; k < 64; k++) {
        q[k] = 2 + k * 5; // up to 317: 16-bit table
      }
      t.setAttribute("elementPrecision", "1");
      t.setUserObject(new JPEGQTable(q));
    }
    md.setFromTree(format, root);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(img, null, md), param);
    } finally {
      writer.dispose();
    }
    byte[] cs = bytes.toByteArray();
    assertTrue(JpegExtendedFixtures.indexOfMarker(cs, 0xDD) > 0, "DRI written");
    assertTrue(JpegExtendedFixtures.indexOfMarker(cs, 0xD0) > 0, "RST0 written");
    int dqt = JpegExtendedFixtures.indexOfMarker(cs, 0xDB);
    assertEquals(0x10, cs[dqt + 4] & 0xF0, "16-bit DQT written");
    JpegExtendedImage decoded = JpegExtendedDecoder.decode(cs);
    assertEquals(131, decoded.width());
    assertEquals(67, decoded.height());
    assertWithin(
        jdkRaw(cs), decoded.samples(), 2, "JDK-written 8-bit 4:2:2, RST every 3, 16-bit DQT");
  }

  @Test
  void decodeToRgbEqualsDecodeThenColourConversionForEverySubsamplingAndOddSize() {
    int[][][] samplings = {
      {{2, 1, 1}, {1, 1, 1}}, {{2, 1, 1}, {2, 1, 1}}, {{1, 1, 1}, {1, 1, 1}}, {{1, 1, 1}, {2, 1, 1}}
    };
    for (int precision : new int[] {8, 12}) {
      for (int[][] hv : samplings) {
        for (int[] size : new int[][] {{83, 51}, {6, 5}, {64, 16}}) {
          byte[] cs =
              JpegExtendedTestEncoder.encode(spec(precision, size[0], size[1], hv[0], hv[1], 3));
          int[] expected = JpegExtendedDecoder.decode(cs).samples().clone();
          YbrFullColor.toRgb(expected, precision);

          int[] fused = JpegExtendedDecoder.decodeToRgb(cs).samples();

          assertArrayEquals(
              expected,
              fused,
              precision + "-bit " + Arrays.deepToString(hv) + " " + size[0] + "x" + size[1]);
        }
      }
    }
  }

  @Test
  void refusesRestartMarkerOutOfSequenceWithCode() {
    JpegExtendedTestEncoder.Spec s = spec(12, 64, 16, new int[] {1}, new int[] {1}, 4);
    s.restartInterval = 2;
    byte[] cs = JpegExtendedTestEncoder.encode(s);
    int rst0 = JpegExtendedFixtures.indexOfMarker(cs, 0xD0);
    cs[rst0 + 1] = (byte) 0xD3;
    DicomException e = assertThrows(DicomException.class, () -> JpegExtendedDecoder.decode(cs));
    assertEquals(2262, e.code(), e.getMessage());
    assertTrue(e.getMessage().contains("RST0") && e.getMessage().contains("FFD3"), e.getMessage());
  }

  @Test
  void refusesMissingRestartMarkerWithCode() {
    JpegExtendedTestEncoder.Spec s = spec(8, 64, 16, new int[] {1}, new int[] {1}, 4);
    s.restartInterval = 2;
    byte[] cs = JpegExtendedTestEncoder.encode(s);
    int rst0 = JpegExtendedFixtures.indexOfMarker(cs, 0xD0);
    byte[] cut = new byte[cs.length - 2];
    System.arraycopy(cs, 0, cut, 0, rst0);
    System.arraycopy(cs, rst0 + 2, cut, rst0, cs.length - rst0 - 2);
    DicomException e = assertThrows(DicomException.class, () -> JpegExtendedDecoder.decode(cut));
    assertTrue(e.code() >= 2250 && e.code() <= 2299, e.getMessage());
  }

  private static int countMarkers(byte[] cs, int code) {
    int n = 0;
    for (int i = 0; i + 1 < cs.length; i++) {
      if ((cs[i] & 0xFF) == 0xFF && (cs[i + 1] & 0xFF) == code) {
        n++;
      }
    }
    return n;
  }
}
