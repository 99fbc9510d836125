package org.fusioncds.dicom.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.fusioncds.dicom.DicomException;
import org.junit.jupiter.api.Test;

class MultipartRelatedParserTest {

  private final MultipartRelatedParser parser = new MultipartRelatedParser();

  /** Builds a body: preamble, parts (headers + bytes), closing boundary, epilogue. */
  private static byte[] body(
      String boundary, String preamble, List<String> headers, List<byte[]> parts, String epilogue) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(preamble.getBytes(StandardCharsets.US_ASCII));
    for (int i = 0; i < parts.size(); i++) {
      out.writeBytes(
          ("--" + boundary + "\r\n" + headers.get(i) + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(parts.get(i));
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes(("--" + boundary + "--").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(epilogue.getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private record Seen(int index, String contentType, byte[] body) {}

  private List<Seen> parse(byte[] body, String contentType) throws IOException {
    List<Seen> seen = new ArrayList<>();
    parser.parse(
        new ByteArrayInputStream(body),
        contentType,
        p -> seen.add(new Seen(p.index(), p.header("content-type"), p.body().readAllBytes())));
    return seen;
  }

  @Test
  void readsPartsWithQuotedBoundaryPreambleAndEpilogue() throws IOException {
    byte[] body =
        body(
            "a:b c",
            "this is a preamble\r\n",
            List.of(
                "Content-Type: application/dicom",
                "content-type: image/jls; transfer-syntax=1.2.840.10008.1.2.4.80"),
            List.of(ascii("first"), ascii("second")),
            "\r\nand an epilogue");

    List<Seen> seen =
        parse(body, "multipart/related; type=\"application/dicom\"; boundary=\"a:b c\"");

    assertEquals(2, seen.size());
    assertEquals("application/dicom", seen.get(0).contentType());
    assertArrayEquals(ascii("first"), seen.get(0).body());
    assertEquals("image/jls; transfer-syntax=1.2.840.10008.1.2.4.80", seen.get(1).contentType());
    assertArrayEquals(ascii("second"), seen.get(1).body());
  }

  @Test
  void readsUnquotedBoundaryAndOrthancsNestedTypeParameter() throws IOException {
    String contentType =
        "multipart/related; type=\"application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1\";"
            + " boundary=2252e2c7-7e70-4ea1-abbf";
    byte[] body =
        body(
            "2252e2c7-7e70-4ea1-abbf",
            "",
            List.of("Content-Type: application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1"),
            List.of(new byte[] {0, 1, 2, 3}),
            "\r\n");

    List<Seen> seen = parse(body, contentType);

    assertEquals(1, seen.size());
    assertArrayEquals(new byte[] {0, 1, 2, 3}, seen.get(0).body());
    assertEquals("2252e2c7-7e70-4ea1-abbf", MultipartRelatedParser.boundary(contentType));
    assertEquals("1.2.840.10008.1.2.1", TransferSyntaxes.fromMultipartType(contentType));
  }

  @Test
  void keepsBinaryBodiesThatContainCrLfAndBoundaryLookalikes() throws IOException {
    byte[] tricky = ascii("\r\n--xy\r\n--xyzz not a boundary\r\n-- xyz\r\n\r\n--");
    byte[] random = new byte[1 << 20];
    new Random(42).nextBytes(random);

    List<Seen> seen =
        parse(
            body(
                "xyz",
                "",
                List.of("Content-Type: a/b", "Content-Type: a/c"),
                List.of(tricky, random),
                ""),
            "multipart/related; boundary=xyz");

    assertEquals(2, seen.size());
    assertArrayEquals(tricky, seen.get(0).body());
    assertArrayEquals(random, seen.get(1).body());
  }

  @Test
  void readsAnEmptyPartAndAPartWithoutHeaders() throws IOException {
    byte[] body = ascii("--b\r\nContent-Type: a/b\r\n\r\n\r\n--b\r\n\r\nplain\r\n--b--\r\n");

    List<Seen> seen = parse(body, "multipart/related; boundary=b");

    assertEquals(2, seen.size());
    assertEquals(0, seen.get(0).body().length);
    assertEquals(null, seen.get(1).contentType());
    assertArrayEquals(ascii("plain"), seen.get(1).body());
  }

  @Test
  void skipsWhatTheCallbackLeavesUnread() throws IOException {
    byte[] body =
        body("b", "", List.of("X: 1", "X: 2"), List.of(ascii("unread body"), ascii("read")), "");
    List<String> read = new ArrayList<>();

    int parts =
        parser.parse(
            new ByteArrayInputStream(body),
            "multipart/related; boundary=b",
            p -> {
              if (p.index() == 1) {
                read.add(new String(p.body().readAllBytes(), StandardCharsets.US_ASCII));
              }
            });

    assertEquals(2, parts);
    assertEquals(List.of("read"), read);
  }

  @Test
  void streamsPartsWithoutReadingAheadOfTheCallback() throws IOException {
    byte[] big = new byte[8 << 20];
    byte[] body = body("b", "", List.of("X: 1"), List.of(big), "");
    CountingInputStream in = new CountingInputStream(new ByteArrayInputStream(body));
    List<Long> consumedAtCallback = new ArrayList<>();

    parser.parse(
        in,
        "multipart/related; boundary=b",
        p -> {
          consumedAtCallback.add(in.count);
          p.body().readAllBytes();
        });

    assertTrue(consumedAtCallback.get(0) < 1 << 20, "read ahead: " + consumedAtCallback);
  }

  @Test
  void refusesABodyWithoutTheClosingBoundary() {
    byte[] body =
        ascii(
            "--xyz\r\nContent-Type: a/b\r\n\r\nfirst\r\n--xyz\r\nContent-Type: a/b\r\n\r\nhalf a par");

    DicomException e =
        assertThrows(DicomException.class, () -> parse(body, "multipart/related; boundary=xyz"));

    assertEquals(2322, e.code());
    assertTrue(
        e.getMessage()
            .startsWith("FCDS-2322: multipart body ended before the closing boundary --xyz--"),
        e.getMessage());
  }

  @Test
  void refusesABodyThatEndsAfterACompletePart() {
    byte[] body = ascii("--xyz\r\nContent-Type: a/b\r\n\r\nfirst\r\n--xyz\r\n");

    DicomException e =
        assertThrows(DicomException.class, () -> parse(body, "multipart/related; boundary=xyz"));

    assertEquals(2322, e.code());
  }

  @Test
  void refusesAnEmptyBody() {
    DicomException e =
        assertThrows(
            DicomException.class, () -> parse(new byte[0], "multipart/related; boundary=xyz"));

    assertEquals(2322, e.code());
  }

  @Test
  void refusesPartHeadersBeyondTheBound() {
    MultipartRelatedParser small = new MultipartRelatedParser(1024);
    byte[] body = ascii("--b\r\nX-Long: " + "a".repeat(5000) + "\r\n\r\nbody\r\n--b--\r\n");

    DicomException e =
        assertThrows(
            DicomException.class,
            () ->
                small.parse(
                    new ByteArrayInputStream(body), "multipart/related; boundary=b", p -> {}));

    assertEquals(2323, e.code(), e.getMessage());
    assertTrue(e.getMessage().contains("1024 bytes"), e.getMessage());
  }

  @Test
  void refusesTooManyPartHeaders() {
    byte[] body = ascii("--b\r\n" + "X: 1\r\n".repeat(200) + "\r\nbody\r\n--b--\r\n");

    DicomException e =
        assertThrows(DicomException.class, () -> parse(body, "multipart/related; boundary=b"));

    assertEquals(2323, e.code(), e.getMessage());
  }

  @Test
  void refusesAContentTypeThatIsNotMultipartRelated() {
    DicomException e =
        assertThrows(DicomException.class, () -> parse(ascii("{}"), "application/dicom+json"));

    assertEquals(2321, e.code());
    assertEquals(
        "FCDS-2321: expected a multipart/related body, the Content-Type is 'application/dicom+json'",
        e.getMessage());
  }

  @Test
  void refusesAMissingOrOverlongBoundary() {
    DicomException missing =
        assertThrows(
            DicomException.class, () -> parse(ascii(""), "multipart/related; type=\"a/b\""));
    DicomException overlong =
        assertThrows(
            DicomException.class,
            () -> parse(ascii(""), "multipart/related; boundary=" + "x".repeat(71)));

    assertEquals(2320, missing.code());
    assertTrue(missing.getMessage().contains("multipart/related; type=\"a/b\""));
    assertEquals(2320, overlong.code());
  }

  @Test
  void passesOnTheReadErrorOfTheUnderlyingStream() {
    InputStream failing =
        new InputStream() {
          private int n;

          @Override
          public int read() throws IOException {
            if (n++ > 40) {
              throw new IOException("connection reset");
            }
            return "--b\r\nContent-Type: a/b\r\n\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                .charAt(n - 1);
          }
        };

    IOException e =
        assertThrows(
            IOException.class,
            () ->
                parser.parse(
                    failing, "multipart/related; boundary=b", p -> p.body().readAllBytes()));

    assertEquals("connection reset", e.getMessage());
  }

  private static final class CountingInputStream extends java.io.FilterInputStream {
    long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count += b < 0 ? 0 : 1;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      count += Math.max(n, 0);
      return n;
    }
  }
}
