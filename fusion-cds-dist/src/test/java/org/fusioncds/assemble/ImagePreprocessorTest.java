package org.fusioncds.assemble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomReader;
import org.fusioncds.dicom.pixel.Frame;
import org.fusioncds.dicom.pixel.PixelDecoder;
import org.fusioncds.error.FcdsException;
import org.fusioncds.model.ModelCard.ImageSpec;
import org.fusioncds.model.ModelCard.Window;
import org.fusioncds.testing.TestData;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {

  private static ImageSpec spec(String resize, int size, Window w) {
    return new ImageSpec("image", "image_present", true, w, size, size, resize, 0.5, 0.25, 0.0);
  }

  @Test
  void appliesRescaleWindowAndMonochrome1InversionAsPs33Says() {
    DicomFile f = DicomReader.read(TestData.path(SyntheaFixture.CR_16));
    Frame frame = PixelDecoder.decode(f, 0);
    ImagePreprocessor p = new ImagePreprocessor(spec("area", 16, new Window("dicom", null, null)));

    float[] out = p.apply(f.dataset(), frame);

    for (int i = 0; i < out.length; i++) {
      double x = frame.samples()[i] * 0.684 + 200; // RescaleSlope / Intercept of the file
      double y = Math.max(0, Math.min(1, (x - 1599.5) / 2799 + 0.5)); // window 1600 / 2800
      assertEquals((float) (((1 - y) - 0.5) / 0.25), out[i], 1e-6, "pixel " + i);
    }
    f.close();
  }

  @Test
  void areaResizeAveragesBlocks() {
    double[] in = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

    double[] out = Resize.apply(in, 4, 4, 2, 2, "area");

    assertArrayEquals(new double[] {3.5, 5.5, 11.5, 13.5}, out, 1e-12);
  }

  @Test
  void areaResizeWeighsPartlyCoveredPixels() {
    double[] in = {0, 3, 6};

    double[] out = Resize.apply(in, 1, 3, 1, 2, "area");

    assertArrayEquals(new double[] {(0 + 0.5 * 3) / 1.5, (0.5 * 3 + 6) / 1.5}, out, 1e-12);
  }

  @Test
  void bilinearResizeUsesHalfPixelCentres() {
    double[] in = {0, 10};

    double[] out = Resize.apply(in, 1, 2, 1, 4, "bilinear");

    assertArrayEquals(new double[] {0, 2.5, 7.5, 10}, out, 1e-12);
  }

  @Test
  void refusesColourImage() {
    DicomFile f = DicomReader.read(TestData.path("dicom/modality/US_examples_rgb_color.dcm"));
    Frame frame = PixelDecoder.decode(f, 0);
    ImagePreprocessor p = new ImagePreprocessor(spec("area", 16, new Window("minmax", null, null)));

    FcdsException e = assertThrows(FcdsException.class, () -> p.apply(f.dataset(), frame));

    assertEquals(4202, e.code());
    f.close();
  }

  @Test
  void refusesGreyImageWithWrongPhotometric() {
    Frame frame = new Frame(2, 2, 1, 8, 8, 0, "PALETTE COLOR", new int[] {0, 1, 2, 3});
    ImagePreprocessor p = new ImagePreprocessor(spec("area", 2, new Window("minmax", null, null)));

    FcdsException e = assertThrows(FcdsException.class, () -> p.apply(new Dataset(), frame));

    assertEquals(4201, e.code());
  }

  @Test
  void refusesFixedWindowOfZeroWidth() {
    Frame frame = new Frame(2, 2, 1, 8, 8, 0, "MONOCHROME2", new int[] {0, 1, 2, 3});
    ImageSpec s =
        new ImageSpec(
            "image",
            "image_present",
            false,
            new Window("fixed", 10.0, 0.0),
            2,
            2,
            "area",
            0.0,
            1.0,
            0.0);

    FcdsException e =
        assertThrows(
            FcdsException.class, () -> new ImagePreprocessor(s).apply(new Dataset(), frame));

    assertEquals(4203, e.code());
  }
}
