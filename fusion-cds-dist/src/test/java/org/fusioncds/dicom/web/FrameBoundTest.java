package org.fusioncds.dicom.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomJson;
import org.fusioncds.dicom.DicomLimits;
import org.junit.jupiter.api.Test;

class FrameBoundTest {

  private static Dataset metadata(String attributes) throws Exception {
    return DicomJson.read(DicomJson.MAPPER.readTree("[{" + attributes + "}]")).get(0);
  }

  private static String us(String tag, int value) {
    return "\"" + tag + "\":{\"vr\":\"US\",\"Value\":[" + value + "]}";
  }

  @Test
  void aFramePartMayHaveTwiceItsNativeSizeAndSixtyFourKibibytes() throws Exception {
    Dataset ct =
        metadata(
            String.join(
                ",",
                us("00280010", 512),
                us("00280011", 512),
                us("00280002", 1),
                us("00280100", 16)));

    assertEquals(2L * 512 * 512 * 2 + 65536, FrameFetcher.frameBound(ct, DicomLimits.DEFAULT));
  }

  @Test
  void colourAndOddBitDepthsRoundUpToWholeBytes() throws Exception {
    Dataset rgb =
        metadata(
            String.join(
                ",",
                us("00280010", 100),
                us("00280011", 200),
                us("00280002", 3),
                us("00280100", 12)));

    assertEquals(2L * 100 * 200 * 3 * 2 + 65536, FrameFetcher.frameBound(rgb, DicomLimits.DEFAULT));
  }

  @Test
  void withoutGeometryOrPastTheLimitsTheLimitsBoundStands() throws Exception {
    Dataset none = metadata(us("00280010", 512));
    Dataset huge =
        metadata(
            String.join(
                ",",
                us("00280010", 65535),
                us("00280011", 65535),
                us("00280002", 3),
                us("00280100", 16)));

    assertEquals(
        DicomLimits.DEFAULT.maxFrameBytes(), FrameFetcher.frameBound(none, DicomLimits.DEFAULT));
    assertEquals(
        DicomLimits.DEFAULT.maxFrameBytes(), FrameFetcher.frameBound(huge, DicomLimits.DEFAULT));
  }
}
