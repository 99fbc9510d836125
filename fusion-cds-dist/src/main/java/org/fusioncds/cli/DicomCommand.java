package org.fusioncds.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomJson;
import org.fusioncds.dicom.DicomReader;
import org.fusioncds.dicom.pixel.Frame;
import org.fusioncds.dicom.pixel.PixelDecoder;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dicom json FILE} and {@code dicom pixels FILE --frame N --out OUT.raw}. */
@Command(
    name = "dicom",
    description = "Read DICOM files: their data set as DICOM JSON, or one decoded frame.",
    subcommands = {DicomCommand.Json.class, DicomCommand.Pixels.class})
public final class DicomCommand {

  /** Prints the data set as DICOM JSON (PS3.18 Annex F), bulk data left out. */
  @Command(name = "json", description = "Print the data set as DICOM JSON, bulk data left out.")
  static final class Json implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      ObjectNode json;
      try (DicomFile f = DicomReader.read(file)) {
        json = DicomJson.toJson(f.dataset());
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(DicomJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
      out.flush();
      return 0;
    }
  }

  /** Writes one frame's stored values, little endian, interleaved. */
  @Command(
      name = "pixels",
      description =
          "Write frame N (0-based) as stored values: little endian, 1 byte per sample for 1- and"
              + " 8-bit data, 2 bytes for 16, 4 for 32; samples interleaved.")
  static final class Pixels implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Option(names = "--frame", defaultValue = "0", description = "0-based frame index")
    int frame;

    @Option(names = "--out", required = true, paramLabel = "OUT.raw")
    Path out;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      Frame f;
      int frames;
      try (DicomFile dicom = DicomReader.read(file)) {
        f = PixelDecoder.decode(dicom, frame);
        frames = Math.max(1, dicom.dataset().getInt(org.fusioncds.dicom.Tag.NumberOfFrames, 1));
      }
      write(f, out);
      PrintWriter o = spec.commandLine().getOut();
      o.printf(
          "{\"rows\":%d,\"columns\":%d,\"samplesPerPixel\":%d,\"bitsAllocated\":%d,"
              + "\"pixelRepresentation\":%d,\"photometric\":\"%s\",\"frames\":%d}%n",
          f.rows(),
          f.columns(),
          f.samplesPerPixel(),
          f.bitsAllocated(),
          f.pixelRepresentation(),
          f.photometric(),
          frames);
      o.flush();
      return 0;
    }

    private static void write(Frame f, Path out) {
      int size = f.bitsAllocated() <= 8 ? 1 : f.bitsAllocated() == 32 ? 4 : 2;
      Path tmp = out.resolveSibling(out.getFileName() + ".part");
      try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
        for (int v : f.samples()) {
          for (int b = 0; b < size; b++) {
            os.write(v >>> (8 * b));
          }
        }
      } catch (IOException e) {
        throw new FcdsException(
            ErrorCode.CLI_OUTPUT, "cannot write " + out + " — " + e.getMessage(), e);
      }
      try {
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new FcdsException(
            ErrorCode.CLI_OUTPUT, "cannot write " + out + " — " + e.getMessage(), e);
      }
    }
  }
}
