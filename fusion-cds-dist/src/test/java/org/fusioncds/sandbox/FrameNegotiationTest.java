package org.fusioncds.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.fusioncds.sandbox.FrameNegotiation.Choice;
import org.junit.jupiter.api.Test;

class FrameNegotiationTest {

  private static final String NATIVE = "1.2.840.10008.1.2.1";
  private static final String JPEG_LS = "1.2.840.10008.1.2.4.80";
  private static final String HTJ2K = "1.2.840.10008.1.2.4.201";
  private static final String OCTET = "multipart/related; type=\"application/octet-stream\"";

  @Test
  void servesStoredFramesForTransferSyntaxStar() {
    assertEquals(
        new Choice("application/octet-stream", JPEG_LS, false),
        FrameNegotiation.choose(OCTET + "; transfer-syntax=*", JPEG_LS));
    assertEquals(
        new Choice("application/octet-stream", NATIVE, false),
        FrameNegotiation.choose(OCTET + "; transfer-syntax=*", "1.2.840.10008.1.2.2"));
  }

  @Test
  void transcodesACompressedFrameWhenNativeIsAskedOrDefault() {
    Choice transcode = new Choice("application/octet-stream", NATIVE, true);

    assertEquals(
        transcode, FrameNegotiation.choose(OCTET + "; transfer-syntax=" + NATIVE, JPEG_LS));
    assertEquals(transcode, FrameNegotiation.choose(OCTET, JPEG_LS));
    assertEquals(transcode, FrameNegotiation.choose(null, JPEG_LS));
  }

  @Test
  void servesTheStoredMediaTypeWhenAskedByIt() {
    assertEquals(
        new Choice("image/jls", JPEG_LS, false),
        FrameNegotiation.choose("multipart/related; type=\"image/jls\"", JPEG_LS));
  }

  @Test
  void takesTheFirstSatisfiableRangeByQuality() {
    String accept =
        OCTET + "; transfer-syntax=1.2.840.10008.1.2.4.50, " + OCTET + "; transfer-syntax=*; q=0.5";

    assertEquals(JPEG_LS, FrameNegotiation.choose(accept, JPEG_LS).transferSyntaxUid());
  }

  @Test
  void refusesWhatItCannotServeWith406() {
    DicomWebError otherSyntax =
        assertThrows(
            DicomWebError.class,
            () -> FrameNegotiation.choose(OCTET + "; transfer-syntax=" + JPEG_LS, NATIVE));
    DicomWebError notDecodable =
        assertThrows(
            DicomWebError.class,
            () -> FrameNegotiation.choose(OCTET + "; transfer-syntax=" + NATIVE, HTJ2K));

    assertEquals(406, otherSyntax.status());
    assertEquals(8045, otherSyntax.code());
    assertEquals(8045, notDecodable.code());
  }
}
