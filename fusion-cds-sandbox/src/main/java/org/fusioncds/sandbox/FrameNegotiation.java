package org.fusioncds.sandbox;

import org.fusioncds.dicom.TransferSyntax;
import org.fusioncds.dicom.pixel.PixelDecoder;
import org.fusioncds.dicom.web.MediaType;
import org.fusioncds.dicom.web.TransferSyntaxes;
import org.fusioncds.error.ErrorCode;

/**
 * Chooses how WADO-RS frames are answered (PS3.18 8.7.3, Tables 8.7.3-2 and -5): as stored when the
 * Accept header allows the stored transfer syntax ({@code transfer-syntax=*} or that UID),
 * transcoded to Explicit VR Little Endian when it asks for native pixels of a compressed instance
 * we can decode, and 406 otherwise. A multipart range without {@code transfer-syntax} for
 * application/octet-stream means Explicit VR Little Endian, as PS3.18 makes it the default.
 */
final class FrameNegotiation {

  /** The part media type and transfer syntax to answer with, and whether to transcode. */
  record Choice(String mediaType, String transferSyntaxUid, boolean transcode) {}

  static final String NATIVE = TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid();
  static final String OCTET_STREAM = "application/octet-stream";

  private FrameNegotiation() {}

  /** The choice for the stored transfer syntax of an instance; FCDS-8045 (406) when none fits. */
  static Choice choose(String acceptHeader, String storedUid) {
    TransferSyntax stored = TransferSyntax.find(storedUid);
    boolean compressed = stored != null && stored.encapsulated();
    String effective = compressed ? storedUid : NATIVE;
    for (MediaType range : AcceptHeader.ranges(acceptHeader)) {
      if (!AcceptHeader.multipart(range)) {
        continue;
      }
      MediaType part =
          MediaType.parse(range.parameter("type") == null ? OCTET_STREAM : range.parameter("type"));
      String asked = range.parameter("transfer-syntax");
      if (asked == null) {
        asked = part.parameter("transfer-syntax");
      }
      Choice c = choice(part, asked, effective, compressed);
      if (c != null) {
        return c;
      }
    }
    throw new DicomWebError(
        ErrorCode.NOT_ACCEPTABLE,
        "no accepted media type fits frames stored as "
            + storedUid
            + (compressed && !PixelDecoder.canDecode(storedUid) ? " (not transcodable here)" : ""));
  }

  private static Choice choice(MediaType part, String asked, String effective, boolean compressed) {
    if (part.is(OCTET_STREAM) || part.is("*/*")) {
      String ts = asked == null ? NATIVE : asked;
      if (ts.equals("*") || ts.equals(effective)) {
        return new Choice(OCTET_STREAM, effective, false);
      }
      if (ts.equals(NATIVE) && compressed && PixelDecoder.canDecode(effective)) {
        return new Choice(OCTET_STREAM, NATIVE, true);
      }
      return null;
    }
    boolean sameType = compressed && part.is(TransferSyntaxes.frameMediaType(effective));
    if (sameType && (asked == null || asked.equals("*") || asked.equals(effective))) {
      return new Choice(part.type(), effective, false);
    }
    return null;
  }
}
