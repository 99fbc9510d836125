package org.fusioncds.dicom.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.error.ErrorCode;

/**
 * The {@code multipart/related; type="application/dicom"} request body of a STOW-RS store (PS3.18
 * §10.5.1.1), streamed from the files with an exact Content-Length; every retry re-reads the files.
 */
final class StowRequestBody {

  private final List<Path> files;
  private final String boundary;
  private final long length;

  StowRequestBody(List<Path> files) {
    if (files.isEmpty()) {
      throw new DicomException(
          ErrorCode.DICOMWEB_ARGUMENT_INVALID,
          "STOW-RS store needs at least one file, got an empty list");
    }
    this.files = List.copyOf(files);
    this.boundary = "fcds-" + UUID.randomUUID();
    long total = closing().length;
    for (Path file : this.files) {
      total += partHeader().length + size(file) + 2;
    }
    this.length = total;
  }

  /** The Content-Type header of the request. */
  String contentType() {
    return "multipart/related; type=\"application/dicom\"; boundary=" + boundary;
  }

  /** The number of bytes of the request body. */
  long length() {
    return length;
  }

  /** A publisher that streams the body, with its exact length. */
  BodyPublisher publisher() {
    Supplier<InputStream> stream = this::open;
    return BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(stream), length);
  }

  private InputStream open() {
    List<Supplier<InputStream>> pieces = new ArrayList<>();
    for (Path file : files) {
      pieces.add(() -> new ByteArrayInputStream(partHeader()));
      pieces.add(() -> openFile(file));
      pieces.add(() -> new ByteArrayInputStream(crlf()));
    }
    pieces.add(() -> new ByteArrayInputStream(closing()));
    Iterator<Supplier<InputStream>> it = pieces.iterator();
    Enumeration<InputStream> lazy =
        new Enumeration<>() {
          @Override
          public boolean hasMoreElements() {
            return it.hasNext();
          }

          @Override
          public InputStream nextElement() {
            return it.next().get();
          }
        };
    return new SequenceInputStream(lazy);
  }

  private byte[] partHeader() {
    return ("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] crlf() {
    return new byte[] {'\r', '\n'};
  }

  private byte[] closing() {
    return ("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  private static long size(Path file) {
    try {
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        throw new DicomException(
            ErrorCode.DICOMWEB_LOCAL_FILE, "STOW-RS store: not a readable file: " + file);
      }
      return Files.size(file);
    } catch (IOException e) {
      throw new DicomException(
          ErrorCode.DICOMWEB_LOCAL_FILE, "STOW-RS store: cannot read the size of " + file, e);
    }
  }

  private static InputStream openFile(Path file) {
    try {
      return Files.newInputStream(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + file, e);
    }
  }
}
