package org.fusioncds.dicom.pixel;

import com.github.jaiimageio.jpeg2000.impl.J2KImageReader;
import com.github.jaiimageio.jpeg2000.impl.J2KImageReaderSpi;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageReader;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.error.ErrorCode;

/**
 * JPEG 2000 (4.90, 4.91) through jai-imageio's reader, pure Java from Maven Central, the one syntax
 * we decode with a library (JPEG lossless moved to our own {@code codec.JpegLosslessDecoder}). Raw
 * rasters are read (no colour conversion by the codec), so values are the stored ones. Readers are
 * not thread-safe: a new one per frame.
 */
final class ImageIoDecoder {

  private ImageIoDecoder() {}

  static int[] decodeJpeg2000(byte[] codestream, ImageDescription d) {
    if (!endsWithEoc(codestream)) {
      throw new DicomException(
          ErrorCode.JPEG2000_TRUNCATED,
          "JPEG 2000 codestream of " + codestream.length + " bytes does not end with EOC");
    }
    J2KImageReader reader = new J2KImageReader(new J2KImageReaderSpi());
    try {
      return read(reader, codestream, d, "JPEG 2000");
    } catch (ThreadDeath e) {
      // jai-imageio 1.4.0 signals a truncated codestream by throwing ThreadDeath
      throw new DicomException(
          ErrorCode.JPEG2000_TRUNCATED, "JPEG 2000 codestream is truncated or corrupt", e);
    } finally {
      reader.dispose();
    }
  }

  private static int[] read(
      ImageReader reader, byte[] codestream, ImageDescription d, String what) {
    Raster raster;
    try (MemoryCacheImageInputStream in =
        new MemoryCacheImageInputStream(new ByteArrayInputStream(codestream))) {
      reader.setInput(in, true, true);
      raster = reader.readRaster(0, null);
    } catch (DicomException e) {
      throw e;
    } catch (Exception | LinkageError | AssertionError e) {
      throw new DicomException(
          ErrorCode.CODESTREAM_UNDECODABLE,
          what
              + " codestream cannot be decoded — "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage(),
          e);
    }
    PixelDecoder.checkDimensions(
        what, raster.getWidth(), raster.getHeight(), raster.getNumBands(), d);
    int[] samples = raster.getPixels(0, 0, d.columns(), d.rows(), (int[]) null);
    if (raster.getDataBuffer().getDataType() == DataBuffer.TYPE_SHORT) {
      for (int i = 0; i < samples.length; i++) {
        samples[i] &= 0xFFFF; // signed data comes back sign-extended from 16 bits: keep the pattern
      }
    }
    return samples;
  }

  private static boolean endsWithEoc(byte[] b) {
    for (int i = b.length - 2; i >= Math.max(0, b.length - 16); i--) {
      if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xD9) {
        return true;
      }
    }
    return false;
  }
}
