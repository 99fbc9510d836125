package org.fusioncds.dicom.pixel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fusioncds.dicom.BulkData;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomReader;
import org.fusioncds.dicom.DicomWriter;
import org.fusioncds.dicom.Element;
import org.fusioncds.dicom.Fragments;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.VR;
import org.fusioncds.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ways encapsulated pixel data says where each frame starts (PS3.5 A.4). */
class EncapsulatedFramesTest {

  private static final String RLE_WITH_BOT = "dicom/multiframe/CT0012.not_fragmented_bot_rle.dcm";

  /**
   * The same two RLE frames, re-encapsulated with an empty Basic Offset Table, a trailing fragment
   * that belongs to no frame, and an Extended Offset Table (7FE0,0001/0002): the table alone says
   * where the frames are (without it the fragments cannot be matched to frames: FCDS-2105).
   */
  @Test
  void extendedOffsetTableFindsTheSameFramesAsTheBasicOne(@TempDir Path tmp) {
    Path copy = tmp.resolve("eot.dcm");
    int[][] expected = new int[2][];
    try (DicomFile f = DicomReader.read(TestData.path(RLE_WITH_BOT))) {
      Dataset ds = f.dataset();
      Fragments original = (Fragments) ds.get(Tag.PixelData).value();
      assertEquals(2, original.fragments().size());
      expected[0] = PixelDecoder.decode(f, 0).samples();
      expected[1] = PixelDecoder.decode(f, 1).samples();
      ByteBuffer offsets = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
      ByteBuffer lengths = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
      long at = 0;
      List<BulkData> fragments = new ArrayList<>(original.fragments());
      for (BulkData b : fragments) {
        offsets.putLong(at);
        lengths.putLong(b.length());
        at += 8 + b.length();
      }
      fragments.add(original.fragments().get(0)); // a stray fragment after the last frame
      ds.putBytes(Tag.ExtendedOffsetTable, VR.OV, offsets.array());
      ds.putBytes(Tag.ExtendedOffsetTableLengths, VR.OV, lengths.array());
      BulkData emptyBot = new BulkData(f.source(), original.basicOffsetTable().offset(), 0, 1);
      ds.put(new Element(Tag.PixelData, VR.OB, new Fragments(emptyBot, fragments)));

      DicomWriter.write(ds, f.transferSyntaxUid(), copy);
    }

    try (DicomFile g = DicomReader.read(copy)) {
      Fragments written = (Fragments) g.dataset().get(Tag.PixelData).value();
      assertEquals(0, written.basicOffsetTable().length());
      assertEquals(3, written.fragments().size());
      assertArrayEquals(expected[1], PixelDecoder.decode(g, 1).samples());
      assertArrayEquals(expected[0], PixelDecoder.decode(g, 0).samples());
      g.dataset().remove(Tag.ExtendedOffsetTable);
      DicomException e = assertThrows(DicomException.class, () -> PixelDecoder.decode(g, 1));
      assertEquals(2105, e.code());
    }
  }
}
