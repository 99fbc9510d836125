package org.fusioncds.dicom.volume;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomReader;
import org.fusioncds.dicom.DicomWriter;
import org.fusioncds.dicom.Element;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.TransferSyntax;
import org.fusioncds.dicom.VR;

/**
 * A CT series of one file per slice rewritten as one Enhanced CT Image Storage instance (PS3.3
 * A.38), as a scanner or a PACS that converts may store it: one frame per slice, top down; pixel
 * measures, orientation and the rescale in the shared functional groups; each frame's Image
 * Position (Patient) in its per-frame Plane Position Sequence. Native little-endian slices only.
 */
public final class EnhancedCtFixture {

  public static final String ENHANCED_CT = "1.2.840.10008.5.1.4.1.1.2.1";

  /** Per slice or moved into functional groups: not copied to the enhanced data set's top level. */
  private static final Set<Integer> PER_SLICE =
      Set.of(
          Tag.SOPInstanceUID,
          Tag.SOPClassUID,
          Tag.InstanceNumber,
          Tag.ImagePositionPatient,
          Tag.ImageOrientationPatient,
          0x00201041, // Slice Location
          Tag.PixelSpacing,
          Tag.SliceThickness,
          Tag.RescaleIntercept,
          Tag.RescaleSlope,
          Tag.RescaleType,
          Tag.PixelData);

  private EnhancedCtFixture() {}

  /**
   * Writes {@code file} from {@code slices}; {@code replace} sets top-level attributes (other study
   * or series UIDs, say). The slices must share orientation, spacing and rescale.
   */
  public static void fromSlices(
      List<Path> slices, String sopInstanceUid, Map<Integer, String> replace, Path file) {
    List<Dataset> read = new ArrayList<>();
    for (Path p : slices) {
      try (DicomFile f = DicomReader.read(p)) {
        TransferSyntax ts = TransferSyntax.of(f.transferSyntaxUid());
        if (ts.encapsulated() || ts.bigEndian()) {
          throw new IllegalArgumentException("not a native slice: " + p.getFileName());
        }
        Dataset d = f.dataset();
        d.putBytes(Tag.PixelData, VR.OW, d.getBytes(Tag.PixelData)); // read while the file is open
        read.add(d);
      }
    }
    read.sort(
        Comparator.comparingDouble((Dataset d) -> d.getDoubles(Tag.ImagePositionPatient)[2])
            .reversed());
    Dataset first = read.get(0);
    for (Dataset d : read) {
      for (int tag :
          List.of(
              Tag.ImageOrientationPatient,
              Tag.PixelSpacing,
              Tag.RescaleIntercept,
              Tag.RescaleSlope)) {
        if (!Arrays.equals(first.getDoubles(tag), d.getDoubles(tag))) {
          throw new IllegalArgumentException("slices differ in " + Integer.toHexString(tag));
        }
      }
    }
    Dataset ds = new Dataset(StandardCharsets.UTF_8);
    for (Element e : first.elements()) {
      if (!PER_SLICE.contains(e.tag())) {
        ds.put(e);
      }
    }
    ds.putString(Tag.SOPClassUID, VR.UI, ENHANCED_CT);
    ds.putString(Tag.SOPInstanceUID, VR.UI, sopInstanceUid);
    ds.putString(Tag.InstanceNumber, VR.IS, "1");
    ds.putString(Tag.NumberOfFrames, VR.IS, Integer.toString(read.size()));
    replace.forEach(
        (tag, value) -> ds.putString(tag, ds.contains(tag) ? ds.get(tag).vr() : VR.UI, value));
    Dataset shared = new Dataset(StandardCharsets.UTF_8);
    shared.putSequence(
        Tag.PixelMeasuresSequence,
        List.of(
            new Dataset(StandardCharsets.UTF_8)
                .putString(
                    Tag.PixelSpacing,
                    VR.DS,
                    first.getStrings(Tag.PixelSpacing).toArray(String[]::new))
                .putString(
                    Tag.SliceThickness, VR.DS, first.findString(Tag.SliceThickness).orElse("1"))));
    shared.putSequence(
        Tag.PlaneOrientationSequence,
        List.of(
            new Dataset(StandardCharsets.UTF_8)
                .putString(
                    Tag.ImageOrientationPatient,
                    VR.DS,
                    first.getStrings(Tag.ImageOrientationPatient).toArray(String[]::new))));
    shared.putSequence(
        Tag.PixelValueTransformationSequence,
        List.of(
            new Dataset(StandardCharsets.UTF_8)
                .putString(
                    Tag.RescaleIntercept, VR.DS, first.findString(Tag.RescaleIntercept).orElse("0"))
                .putString(Tag.RescaleSlope, VR.DS, first.findString(Tag.RescaleSlope).orElse("1"))
                .putString(Tag.RescaleType, VR.LO, "HU")));
    ds.putSequence(Tag.SharedFunctionalGroupsSequence, List.of(shared));
    List<Dataset> perFrame = new ArrayList<>();
    ByteArrayOutputStream pixels = new ByteArrayOutputStream();
    for (Dataset d : read) {
      perFrame.add(
          new Dataset(StandardCharsets.UTF_8)
              .putSequence(
                  Tag.PlanePositionSequence,
                  List.of(
                      new Dataset(StandardCharsets.UTF_8)
                          .putString(
                              Tag.ImagePositionPatient,
                              VR.DS,
                              d.getStrings(Tag.ImagePositionPatient).toArray(String[]::new)))));
      pixels.writeBytes(d.getBytes(Tag.PixelData));
    }
    ds.putSequence(Tag.PerFrameFunctionalGroupsSequence, perFrame);
    ds.putBytes(Tag.PixelData, VR.OW, pixels.toByteArray());
    DicomWriter.write(ds, file);
  }
}
