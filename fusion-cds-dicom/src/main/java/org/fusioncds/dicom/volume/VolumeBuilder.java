package org.fusioncds.dicom.volume;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomReader;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.pixel.Frame;
import org.fusioncds.dicom.pixel.FunctionalGroups;
import org.fusioncds.dicom.pixel.ModalityLut;
import org.fusioncds.dicom.pixel.PixelDecoder;
import org.fusioncds.error.ErrorCode;

/**
 * Builds a {@link Volume} from the slices of one series (PS3.3 C.7.6.2): slices are sorted by the
 * projection of Image Position (Patient) (0020,0032) on the normal (row × column cosines of Image
 * Orientation (Patient) (0020,0037)), never by file name or Instance Number. Every geometric check
 * runs, and the size is checked, before any pixel is decoded.
 *
 * <p>Coded errors (24xx): 2400 no slices; 2401 position or orientation missing or malformed; 2402
 * orientations differ; 2403 rows / columns differ; 2404 two different instances at one position;
 * 2405 irregular slice spacing (strict only, else a warning listing the gaps); 2406 volume over the
 * size limit; 2407 pixel spacing missing or different; 2408 slices of different series or frames of
 * reference; 2409 not a single-sample image, or decoded frame of another size; 2410 single slice
 * without Spacing Between Slices or Slice Thickness; 2411 orientation cosines not unit and
 * orthogonal; 2412 positions off the normal (strict only, else a warning: gantry tilt or shear).
 *
 * <p>Duplicates: the same instance (same SOP Instance UID and frame) given twice is dropped with a
 * warning 2404; two different instances at the same position are an error, since choosing one would
 * silently build a wrong volume.
 */
public final class VolumeBuilder {

  private static final double COSINE_TOLERANCE = 1e-4;

  private VolumeBuilder() {}

  /**
   * From the files of one series, in any order. One enhanced multi-frame file (functional groups)
   * gives one slice per frame. Files are read twice: headers first (then closed), pixels one file
   * at a time in slice order, so that no more than one file is open.
   */
  public static Volume fromFiles(List<Path> files, VolumeOptions options) {
    if (files.isEmpty()) {
      throw new DicomException(
          ErrorCode.VOLUME_NO_SLICES, "no slices to build a volume from — 0 files");
    }
    if (files.size() == 1) {
      try (DicomFile f = DicomReader.read(files.get(0), options.limits())) {
        if (FunctionalGroups.present(f.dataset())) {
          return fromEnhanced(f, options);
        }
      }
    }
    return fromSlices(sources(files, options), options);
  }

  /**
   * One lazily decoded slice per file, for {@link #fromSlices}: each file's header is read now (and
   * closed), its pixels when the builder asks, one file at a time.
   */
  public static List<SliceSource> sources(List<Path> files, VolumeOptions options) {
    List<SliceSource> sources = new ArrayList<>(files.size());
    for (Path p : files) {
      Dataset ds;
      try (DicomFile f = DicomReader.read(p, options.limits())) {
        ds = f.dataset();
      }
      int frames = ds.getInt(Tag.NumberOfFrames, 1);
      if (frames > 1) {
        throw new DicomException(
            ErrorCode.VOLUME_SAMPLES,
            "a multi-frame instance among several files is not supported — "
                + frames
                + " frames in "
                + p.getFileName());
      }
      String uid = ds.getString(Tag.SOPInstanceUID);
      sources.add(
          new SliceSource(
              ds,
              0,
              () -> {
                try (DicomFile f = DicomReader.read(p, options.limits())) {
                  if (!Objects.equals(uid, f.dataset().getString(Tag.SOPInstanceUID))) {
                    throw new DicomException(
                        ErrorCode.VOLUME_MIXED_SERIES,
                        "file changed while the volume was built — " + p.getFileName());
                  }
                  return PixelDecoder.decode(
                      f.dataset(), f.transferSyntaxUid(), 0, options.limits());
                }
              }));
    }
    return sources;
  }

  /**
   * From one enhanced multi-frame object: one slice per frame, positioned by the Plane Position
   * Sequence (0020,9113) of its per-frame functional group. The file must stay open until this
   * returns.
   */
  public static Volume fromEnhanced(DicomFile file, VolumeOptions options) {
    Dataset ds = file.dataset();
    int frames = Math.max(1, ds.getInt(Tag.NumberOfFrames, 1));
    List<SliceSource> sources = new ArrayList<>(frames);
    for (int i = 0; i < frames; i++) {
      int index = i;
      sources.add(
          new SliceSource(
              ds,
              i,
              () -> PixelDecoder.decode(ds, file.transferSyntaxUid(), index, options.limits())));
    }
    return fromSlices(sources, options);
  }

  /**
   * The order in which {@link #fromSlices} will ask the sources for their pixels: indices into
   * {@code sources}, sorted along the normal of the first slice's orientation, as the builder sorts
   * them. Checks nothing (the builder does): when a header cannot be read, the given order. A
   * fetcher reads ahead in this order (so that a bounded read-ahead window serves the builder).
   */
  public static List<Integer> decodeOrder(List<SliceSource> sources) {
    List<Integer> order = new ArrayList<>(sources.size());
    for (int i = 0; i < sources.size(); i++) {
      order.add(i);
    }
    try {
      double[] along = new double[sources.size()];
      double[] normal = null;
      for (int i = 0; i < sources.size(); i++) {
        Slice s = Slice.of(sources.get(i));
        if (normal == null) {
          normal =
              cross(
                  Arrays.copyOfRange(s.orientation, 0, 3), Arrays.copyOfRange(s.orientation, 3, 6));
        }
        along[i] = dot(s.position, normal);
      }
      order.sort(Comparator.comparingDouble(i -> along[i]));
    } catch (DicomException e) {
      // the builder refuses these slices with its own code; any order serves until then
    }
    return order;
  }

  /** From slices already read (any order); pixels are decoded through each source's supplier. */
  public static Volume fromSlices(List<SliceSource> sources, VolumeOptions options) {
    if (sources.isEmpty()) {
      throw new DicomException(
          ErrorCode.VOLUME_NO_SLICES, "no slices to build a volume from — 0 slices");
    }
    List<Slice> slices = new ArrayList<>(sources.size());
    for (SliceSource s : sources) {
      slices.add(Slice.of(s));
    }
    Slice ref = slices.get(0);
    for (Slice s : slices) {
      checkSameSeries(ref, s);
    }
    double[] row = Arrays.copyOfRange(ref.orientation, 0, 3);
    double[] col = Arrays.copyOfRange(ref.orientation, 3, 6);
    checkCosines(row, col, ref);
    double[] normal = cross(row, col);
    for (Slice s : slices) {
      s.along = dot(s.position, normal);
    }
    slices.sort(Comparator.comparingDouble((Slice s) -> s.along));
    List<VolumeWarning> warnings = new ArrayList<>();
    slices = removeDuplicates(slices, options, warnings);
    checkAlongNormal(slices, normal, options, warnings);
    double step = sliceSpacing(slices, options, warnings);

    int width = ref.columns;
    int height = ref.rows;
    int depth = slices.size();
    long voxels = (long) width * height * depth;
    if (voxels * 4 > options.maxVolumeBytes() || voxels > Integer.MAX_VALUE - 8) {
      throw new DicomException(
          ErrorCode.VOLUME_TOO_LARGE,
          String.format(
              "volume of %d x %d x %d voxels needs %d bytes, over the limit of %d",
              width, height, depth, voxels * 4, options.maxVolumeBytes()));
    }
    float[] data = new float[(int) voxels];
    int perSlice = width * height;
    List<String> uids = new ArrayList<>(depth);
    List<Integer> frameNumbers = new ArrayList<>(depth);
    double[] positions = new double[depth];
    double[] origins = new double[3 * depth];
    for (int z = 0; z < depth; z++) {
      Slice s = slices.get(z);
      Frame f = s.source.pixels().get();
      if (f.rows() != height || f.columns() != width || f.samplesPerPixel() != 1) {
        throw new DicomException(
            ErrorCode.VOLUME_SAMPLES,
            String.format(
                "decoded frame of slice %s is %dx%d with %d samples, expected %dx%d with 1",
                s.describe(), f.columns(), f.rows(), f.samplesPerPixel(), width, height));
      }
      s.lut.apply(f, data, z * perSlice);
      uids.add(s.sopInstanceUid);
      frameNumbers.add(s.source.frameIndex() + 1);
      positions[z] = s.along;
      System.arraycopy(s.position, 0, origins, 3 * z, 3);
    }
    double[] direction = new double[9];
    System.arraycopy(row, 0, direction, 0, 3);
    System.arraycopy(col, 0, direction, 3, 3);
    System.arraycopy(normal, 0, direction, 6, 3);
    return new Volume(
        width,
        height,
        depth,
        new double[] {ref.pixelSpacing[1], ref.pixelSpacing[0], step},
        slices.get(0).position.clone(),
        direction,
        data,
        positions,
        origins,
        List.copyOf(uids),
        List.copyOf(frameNumbers),
        List.copyOf(warnings));
  }

  private static void checkSameSeries(Slice ref, Slice s) {
    if (ref.seriesUid != null && s.seriesUid != null && !ref.seriesUid.equals(s.seriesUid)) {
      throw new DicomException(
          ErrorCode.VOLUME_MIXED_SERIES,
          "slices of different series — Series Instance UID "
              + s.seriesUid
              + " of "
              + s.describe()
              + ", expected "
              + ref.seriesUid);
    }
    if (ref.frameOfReferenceUid != null
        && s.frameOfReferenceUid != null
        && !ref.frameOfReferenceUid.equals(s.frameOfReferenceUid)) {
      throw new DicomException(
          ErrorCode.VOLUME_MIXED_SERIES,
          "slices in different frames of reference — Frame of Reference UID "
              + s.frameOfReferenceUid
              + " of "
              + s.describe()
              + ", expected "
              + ref.frameOfReferenceUid);
    }
    for (int i = 0; i < 6; i++) {
      if (Math.abs(ref.orientation[i] - s.orientation[i]) > COSINE_TOLERANCE) {
        throw new DicomException(
            ErrorCode.VOLUME_MIXED_ORIENTATION,
            "mixed orientations — Image Orientation (Patient) "
                + fmt(s.orientation)
                + " of "
                + s.describe()
                + ", expected "
                + fmt(ref.orientation));
      }
    }
    if (ref.rows != s.rows || ref.columns != s.columns) {
      throw new DicomException(
          ErrorCode.VOLUME_SLICE_SIZE,
          String.format(
              "slices of different sizes — %d rows x %d columns in %s, expected %d x %d",
              s.rows, s.columns, s.describe(), ref.rows, ref.columns));
    }
    for (int i = 0; i < 2; i++) {
      if (Math.abs(ref.pixelSpacing[i] - s.pixelSpacing[i]) > 1e-4 * ref.pixelSpacing[i]) {
        throw new DicomException(
            ErrorCode.VOLUME_PIXEL_SPACING,
            "different Pixel Spacing — "
                + fmt(s.pixelSpacing)
                + " in "
                + s.describe()
                + ", expected "
                + fmt(ref.pixelSpacing));
      }
    }
  }

  private static void checkCosines(double[] row, double[] col, Slice ref) {
    double lr = Math.sqrt(dot(row, row));
    double lc = Math.sqrt(dot(col, col));
    if (Math.abs(lr - 1) > 1e-3 || Math.abs(lc - 1) > 1e-3 || Math.abs(dot(row, col)) > 1e-3) {
      throw new DicomException(
          ErrorCode.VOLUME_ORIENTATION_INVALID,
          "Image Orientation (Patient) is not two orthogonal unit vectors — "
              + fmt(ref.orientation));
    }
    for (int i = 0; i < 3; i++) {
      row[i] /= lr;
      col[i] /= lc;
    }
  }

  private static List<Slice> removeDuplicates(
      List<Slice> sorted, VolumeOptions o, List<VolumeWarning> warnings) {
    List<Slice> out = new ArrayList<>(sorted.size());
    for (Slice s : sorted) {
      Slice prev = out.isEmpty() ? null : out.get(out.size() - 1);
      if (prev != null && Math.abs(s.along - prev.along) <= o.absoluteToleranceMm()) {
        if (Objects.equals(prev.sopInstanceUid, s.sopInstanceUid)
            && prev.source.frameIndex() == s.source.frameIndex()) {
          warnings.add(
              new VolumeWarning(
                  ErrorCode.VOLUME_DUPLICATE_SLICE,
                  "the same instance was given twice, used once — "
                      + s.describe()
                      + " at "
                      + mm(s.along)));
          continue;
        }
        throw new DicomException(
            ErrorCode.VOLUME_DUPLICATE_SLICE,
            "two different slices at the same position "
                + mm(s.along)
                + " along the normal — "
                + prev.describe()
                + " and "
                + s.describe());
      }
      out.add(s);
    }
    return out;
  }

  private static void checkAlongNormal(
      List<Slice> slices, double[] normal, VolumeOptions o, List<VolumeWarning> warnings) {
    double[] p0 = slices.get(0).position;
    List<String> off = new ArrayList<>();
    for (Slice s : slices) {
      double[] d = {s.position[0] - p0[0], s.position[1] - p0[1], s.position[2] - p0[2]};
      double a = dot(d, normal);
      double[] perp = {d[0] - a * normal[0], d[1] - a * normal[1], d[2] - a * normal[2]};
      double dist = Math.sqrt(dot(perp, perp));
      if (dist > Math.max(o.absoluteToleranceMm(), 1e-3)) {
        off.add(s.describe() + " by " + mm(dist));
      }
    }
    if (!off.isEmpty()) {
      String msg =
          "slice positions are not on one line along the normal (gantry tilt or shear) — "
              + summarize(off);
      if (o.strict()) {
        throw new DicomException(ErrorCode.VOLUME_SLICES_OBLIQUE, msg);
      }
      warnings.add(new VolumeWarning(ErrorCode.VOLUME_SLICES_OBLIQUE, msg));
    }
  }

  private static double sliceSpacing(
      List<Slice> slices, VolumeOptions o, List<VolumeWarning> warnings) {
    if (slices.size() == 1) {
      Slice s = slices.get(0);
      double v = s.spacingBetweenSlices > 0 ? s.spacingBetweenSlices : s.sliceThickness;
      if (!(v > 0)) {
        throw new DicomException(
            ErrorCode.VOLUME_SINGLE_SLICE_THICKNESS,
            "single slice without Spacing Between Slices (0018,0088) or Slice Thickness"
                + " (0018,0050) — "
                + s.describe());
      }
      return v;
    }
    double[] steps = new double[slices.size() - 1];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = slices.get(i + 1).along - slices.get(i).along;
    }
    double[] sorted = steps.clone();
    Arrays.sort(sorted);
    double median =
        sorted.length % 2 == 1
            ? sorted[sorted.length / 2]
            : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    double tolerance = Math.max(o.absoluteToleranceMm(), o.relativeTolerance() * median);
    List<String> gaps = new ArrayList<>();
    for (int i = 0; i < steps.length; i++) {
      if (Math.abs(steps[i] - median) > tolerance) {
        gaps.add(
            String.format(
                Locale.ROOT,
                "%s to %s: step %s",
                mm(slices.get(i).along),
                mm(slices.get(i + 1).along),
                mm(steps[i])));
      }
    }
    if (!gaps.isEmpty()) {
      String msg =
          String.format(
              Locale.ROOT,
              "slice spacing not uniform, median step %s, tolerance %s; %d irregular: %s",
              mm(median),
              mm(tolerance),
              gaps.size(),
              summarize(gaps));
      if (o.strict()) {
        throw new DicomException(ErrorCode.VOLUME_SPACING_IRREGULAR, msg);
      }
      warnings.add(new VolumeWarning(ErrorCode.VOLUME_SPACING_IRREGULAR, msg));
    }
    return median;
  }

  private static String summarize(List<String> items) {
    int shown = Math.min(items.size(), 10);
    String s = String.join("; ", items.subList(0, shown));
    return items.size() > shown ? s + "; … " + (items.size() - shown) + " more" : s;
  }

  /** What the builder needs of one slice, read and checked once. */
  private static final class Slice {
    final SliceSource source;
    final double[] position;
    final double[] orientation;
    final double[] pixelSpacing;
    final int rows;
    final int columns;
    final String sopInstanceUid;
    final String seriesUid;
    final String frameOfReferenceUid;
    final double sliceThickness;
    final double spacingBetweenSlices;
    final ModalityLut lut;
    double along;

    private Slice(SliceSource source) {
      Dataset ds = source.dataset();
      int frame = source.frameIndex();
      this.source = source;
      this.sopInstanceUid = ds.getString(Tag.SOPInstanceUID);
      this.seriesUid = ds.getString(Tag.SeriesInstanceUID);
      this.frameOfReferenceUid = ds.getString(Tag.FrameOfReferenceUID);
      this.rows = ds.getInt(Tag.Rows, -1);
      this.columns = ds.getInt(Tag.Columns, -1);
      if (rows <= 0 || columns <= 0) {
        throw new DicomException(
            ErrorCode.VOLUME_SLICE_SIZE,
            "Rows / Columns missing — " + rows + " / " + columns + " in " + describe());
      }
      if (ds.getInt(Tag.SamplesPerPixel, 1) != 1) {
        throw new DicomException(
            ErrorCode.VOLUME_SAMPLES,
            "a volume needs single-sample images — SamplesPerPixel "
                + ds.getInt(Tag.SamplesPerPixel, 1)
                + " in "
                + describe());
      }
      this.position =
          values(
              ds,
              frame,
              Tag.PlanePositionSequence,
              Tag.ImagePositionPatient,
              3,
              ErrorCode.VOLUME_GEOMETRY_MISSING);
      this.orientation =
          values(
              ds,
              frame,
              Tag.PlaneOrientationSequence,
              Tag.ImageOrientationPatient,
              6,
              ErrorCode.VOLUME_GEOMETRY_MISSING);
      this.pixelSpacing =
          values(
              ds,
              frame,
              Tag.PixelMeasuresSequence,
              Tag.PixelSpacing,
              2,
              ErrorCode.VOLUME_PIXEL_SPACING);
      if (!(pixelSpacing[0] > 0) || !(pixelSpacing[1] > 0)) {
        throw new DicomException(
            ErrorCode.VOLUME_PIXEL_SPACING,
            "Pixel Spacing not positive — " + fmt(pixelSpacing) + " in " + describe());
      }
      Dataset measures = FunctionalGroups.find(ds, frame, Tag.PixelMeasuresSequence).orElse(null);
      this.sliceThickness = number(measures, ds, Tag.SliceThickness);
      this.spacingBetweenSlices = number(measures, ds, Tag.SpacingBetweenSlices);
      this.lut = ModalityLut.forFrame(ds, frame);
    }

    static Slice of(SliceSource s) {
      return new Slice(s);
    }

    String describe() {
      String uid = sopInstanceUid == null ? "(no SOP Instance UID)" : sopInstanceUid;
      return source.frameIndex() > 0 || source.dataset().getInt(Tag.NumberOfFrames, 1) > 1
          ? uid + " frame " + (source.frameIndex() + 1)
          : uid;
    }

    private double[] values(Dataset ds, int frame, int macro, int tag, int count, ErrorCode code) {
      double[] v =
          FunctionalGroups.find(ds, frame, macro)
              .filter(item -> item.contains(tag))
              .map(item -> item.getDoubles(tag))
              .orElseGet(() -> ds.getDoubles(tag));
      if (v.length != count) {
        throw new DicomException(
            code,
            String.format(
                "%s needs %d values, has %d — in %s",
                Tag.toString(tag), count, v.length, describe()));
      }
      for (double d : v) {
        if (!Double.isFinite(d)) {
          throw new DicomException(
              code, Tag.toString(tag) + " is not finite — " + fmt(v) + " in " + describe());
        }
      }
      return v;
    }

    private static double number(Dataset item, Dataset ds, int tag) {
      if (item != null && item.contains(tag)) {
        return item.getDouble(tag, Double.NaN);
      }
      return ds.getDouble(tag, Double.NaN);
    }
  }

  private static double dot(double[] a, double[] b) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  }

  private static double[] cross(double[] a, double[] b) {
    return new double[] {
      a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]
    };
  }

  private static String mm(double v) {
    return String.format(Locale.ROOT, "%.3f mm", v);
  }

  private static String fmt(double[] v) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < v.length; i++) {
      if (i > 0) {
        b.append('\\');
      }
      b.append(String.format(Locale.ROOT, "%.6g", v[i]));
    }
    return b.toString();
  }
}
