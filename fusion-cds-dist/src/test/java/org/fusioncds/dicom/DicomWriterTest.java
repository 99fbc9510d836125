package org.fusioncds.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.fusioncds.dicom.pixel.Frame;
import org.fusioncds.dicom.pixel.PixelDecoder;
import org.fusioncds.testing.Dcmtk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DicomWriterTest {

  static Stream<Path> readableFiles() {
    return DcmtkAgreementTest.readableFiles();
  }

  /** Every readable test file, written back, reads the same and DCMTK reads it without a word. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("readableFiles")
  void rewrittenFileKeepsEveryValueAndDcmtkReadsItWithoutWarning(Path file, @TempDir Path tmp) {
    Path copy = tmp.resolve("copy.dcm");
    String before;
    try (DicomFile f = DicomReader.read(file)) {
      before = DicomJson.toJson(f.dataset()).toString();
      String ts =
          f.transferSyntax().encapsulated()
              ? f.transferSyntaxUid()
              : TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid();
      DicomWriter.write(f.dataset(), ts, copy);
    }
    try (DicomFile g = DicomReader.read(copy)) {
      assertEquals(before, DicomJson.toJson(g.dataset()).toString());
      assertEquals(List.of(), g.warnings());
    }
    if (DcmtkAgreementTest.hasDecodablePixels(file)) {
      try (DicomFile original = DicomReader.read(file);
          DicomFile rewritten = DicomReader.read(copy)) {
        assertArrayEquals(
            PixelDecoder.decode(original, 0).samples(),
            PixelDecoder.decode(rewritten, 0).samples(),
            "frame 0 after rewriting");
      }
    }
    Dcmtk.Result dump = Dcmtk.exec(false, "dcmdump", "-q", copy.toString());
    assertEquals(0, dump.exitCode(), dump.stderr());
    assertEquals("", dump.stderr(), "dcmdump warnings");
    Dcmtk.Result json = Dcmtk.exec(false, "dcm2json", copy.toString());
    assertFalse(json.stderr().contains("W:"), "dcm2json warnings: " + json.stderr());
  }

  @Test
  void writesAnImageThatDcmtkAndOurDecoderReadBack(@TempDir Path tmp) {
    Dataset ds = new Dataset(StandardCharsets.UTF_8);
    ds.putString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192");
    ds.putString(Tag.SOPClassUID, VR.UI, "1.2.840.10008.5.1.4.1.1.1");
    ds.putString(Tag.SOPInstanceUID, VR.UI, "2.25.1234567890");
    ds.putString(Tag.PatientName, VR.PN, "Müller^Zoë");
    ds.putString(Tag.Modality, VR.CS, "CR");
    ds.putString(Tag.PixelSpacing, VR.DS, "0.2", "0.2");
    ds.putInts(Tag.Rows, VR.US, 3);
    ds.putInts(Tag.Columns, VR.US, 5);
    ds.putInts(Tag.SamplesPerPixel, VR.US, 1);
    ds.putString(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2");
    ds.putInts(Tag.BitsAllocated, VR.US, 16);
    ds.putInts(Tag.BitsStored, VR.US, 12);
    ds.putInts(Tag.HighBit, VR.US, 11);
    ds.putInts(Tag.PixelRepresentation, VR.US, 0);
    byte[] pixels = new byte[3 * 5 * 2];
    for (int i = 0; i < 15; i++) {
      pixels[2 * i] = (byte) (i * 250);
      pixels[2 * i + 1] = (byte) ((i * 250) >> 8);
    }
    ds.putBytes(Tag.PixelData, VR.OW, pixels);
    Path file = tmp.resolve("cr.dcm");

    DicomWriter.write(ds, file);

    String dump = Dcmtk.run("dcmdump", file.toString());
    assertTrue(dump.contains("Müller^Zoë"), dump);
    assertTrue(dump.contains("(0002,0010) UI =LittleEndianExplicit"), dump);
    try (DicomFile f = DicomReader.read(file)) {
      Frame frame = PixelDecoder.decode(f, 0);
      int[] expected = new int[15];
      for (int i = 0; i < 15; i++) {
        expected[i] = i * 250;
      }
      assertArrayEquals(expected, frame.samples());
      assertEquals("Müller^Zoë", f.dataset().getString(Tag.PatientName));
    }
  }

  @Test
  void refusesADataSetWithoutSopInstanceUidAndLeavesNoFile(@TempDir Path tmp) throws Exception {
    Dataset ds = new Dataset();
    ds.putString(Tag.SOPClassUID, VR.UI, "1.2.840.10008.5.1.4.1.1.7");
    Path file = tmp.resolve("x.dcm");

    DicomException e = assertThrows(DicomException.class, () -> DicomWriter.write(ds, file));

    assertEquals(2462, e.code());
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(0, left.count());
    }
  }
}
