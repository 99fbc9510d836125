package org.fusioncds.dicom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.fusioncds.error.ErrorCode;

/**
 * Random access to the bytes of a DICOM stream: a file (read on demand, so bulk data is never
 * loaded unless asked for) or an array in memory.
 */
public interface ByteSource extends AutoCloseable {

  long size();

  /** Reads exactly {@code len} bytes at {@code pos}, or throws a coded error if fewer exist. */
  void readFully(long pos, byte[] dst, int off, int len);

  @Override
  void close();

  static ByteSource of(byte[] bytes) {
    return new ArraySource(bytes);
  }

  static ByteSource open(Path file) {
    try {
      return new FileSource(FileChannel.open(file, StandardOpenOption.READ));
    } catch (IOException e) {
      throw new DicomException(
          ErrorCode.FILE_UNREADABLE, "cannot open file — " + file + ": " + e.getMessage(), e);
    }
  }

  /** An array in memory. */
  record ArraySource(byte[] bytes) implements ByteSource {
    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public void readFully(long pos, byte[] dst, int off, int len) {
      if (pos < 0 || pos + len > bytes.length) {
        throw truncated(pos, len, bytes.length);
      }
      System.arraycopy(bytes, (int) pos, dst, off, len);
    }

    @Override
    public void close() {}
  }

  /** A file, read with positional reads (thread-safe). */
  final class FileSource implements ByteSource {
    private final FileChannel channel;
    private final long size;

    FileSource(FileChannel channel) throws IOException {
      this.channel = channel;
      this.size = channel.size();
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public void readFully(long pos, byte[] dst, int off, int len) {
      if (pos < 0 || pos + len > size) {
        throw truncated(pos, len, size);
      }
      ByteBuffer buf = ByteBuffer.wrap(dst, off, len);
      try {
        while (buf.hasRemaining()) {
          if (channel.read(buf, pos + buf.position() - off) < 0) {
            throw truncated(pos, len, size);
          }
        }
      } catch (IOException e) {
        throw new DicomException(
            ErrorCode.READ_FAILED, "read error at offset " + pos + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      try {
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static DicomException truncated(long pos, int len, long size) {
    return new DicomException(
        ErrorCode.UNEXPECTED_END,
        "unexpected end of data — "
            + len
            + " bytes wanted at offset "
            + pos
            + ", the stream has "
            + size);
  }
}
