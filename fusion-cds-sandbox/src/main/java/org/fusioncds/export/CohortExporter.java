package org.fusioncds.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.fusioncds.assemble.AssemblyInput;
import org.fusioncds.assemble.InputAssembler;
import org.fusioncds.assemble.PatientRecord;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomReader;
import org.fusioncds.dicom.volume.SliceSource;
import org.fusioncds.dicom.volume.VolumeBuilder;
import org.fusioncds.dicom.volume.VolumeOptions;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.DicomImage;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.StudySelector;
import org.hl7.fhir.r4.model.ImagingStudy;

/**
 * Training export: a cohort folder ({@code fhir/*.json} FHIR R4 bundles, {@code dicom/<study
 * uid>/*.dcm}, {@code labels.csv} with {@code patient_id,study_uid,label}) → one {@code
 * <tensor>.npy} per card input with a leading patient axis, {@code labels.npy} (int64), {@code
 * patients.txt}. Each patient goes through {@link InputAssembler} exactly as served, so the rows
 * are byte for byte the tensors serving builds. The study is the labelled one (else the eligible
 * latest); its first DICOM instance (by file name) is the image, or, for a card with a {@code
 * volume} section, all its instances are the series.
 */
public final class CohortExporter {

  private final InputAssembler assembler;
  private final StudySelector selector;

  public CohortExporter(InputAssembler assembler) {
    this.assembler = assembler;
    this.selector = new StudySelector(assembler.card().study());
  }

  /** One patient of a cohort with its label, assembled exactly as serving assembles it. */
  public record CohortCase(String patientId, int label, ModelInputs inputs) {}

  /** The number of patients (bundles) of a cohort folder. */
  public static int size(Path cohort) {
    return bundles(cohort.resolve("fhir")).size();
  }

  /** Assembles every patient of the cohort, in bundle-file order, handing each to {@code each}. */
  public int forEachCase(Path cohort, java.util.function.Consumer<CohortCase> each) {
    List<Path> bundles = bundles(cohort.resolve("fhir"));
    Map<String, Labels.Row> labels = Labels.read(cohort.resolve("labels.csv"));
    for (Path b : bundles) {
      PatientRecord rec = PatientRecord.read(b);
      Labels.Row row = labels.get(rec.patientId());
      if (row == null) {
        throw new FcdsException(
            ErrorCode.COHORT_LABEL_MISSING,
            "no label in labels.csv for patient of bundle — " + b.getFileName());
      }
      each.accept(
          new CohortCase(
              rec.patientId(), (int) row.label(), assembler.assemble(input(cohort, rec, row, b))));
    }
    return bundles.size();
  }

  /** Exports the cohort; returns the number of patients written. */
  public int export(Path cohort, Path out) {
    int n = size(cohort);
    mkdirs(out);
    ModelCard card = assembler.card();
    Map<String, NpyWriter> writers = new LinkedHashMap<>();
    List<String> patients = new ArrayList<>();
    long[] labelValues = new long[n];
    try {
      for (ModelCard.InputTensor t : card.inputs()) {
        writers.put(t.name(), NpyWriter.float32(out.resolve(t.name() + ".npy"), batched(t, n)));
      }
      forEachCase(
          cohort,
          c -> {
            writers.forEach((name, w) -> w.append(c.inputs().tensor(name).data()));
            labelValues[patients.size()] = c.label();
            patients.add(c.patientId());
          });
    } catch (RuntimeException e) {
      writers.values().forEach(w -> closeSuppressed(w, e));
      throw e;
    }
    writers.values().forEach(NpyWriter::close);
    NpyWriter.write(out.resolve("labels.npy"), new long[] {patients.size()}, labelValues);
    write(out.resolve("patients.txt"), String.join("\n", patients) + "\n");
    return patients.size();
  }

  /** The assembly input of one patient: the labelled (or eligible latest) study and its image. */
  AssemblyInput input(Path cohort, PatientRecord rec, Labels.Row row, Path bundle) {
    List<ImagingStudy> candidates = rec.studies();
    if (!row.studyUid().isEmpty()) {
      candidates =
          candidates.stream()
              .filter(s -> row.studyUid().equals(StudySelector.studyUid(s)))
              .toList();
    }
    Optional<ImagingStudy> study =
        row.studyUid().isEmpty() ? Optional.empty() : selector.select(candidates, null);
    if (study.isEmpty() && (!row.studyUid().isEmpty() || rec.visitTime() == null)) {
      throw new FcdsException(
          ErrorCode.COHORT_STUDY_MISSING,
          "no eligible ImagingStudy "
              + (row.studyUid().isEmpty() ? "" : row.studyUid() + " ")
              + "for the patient of bundle — "
              + bundle.getFileName());
    }
    ModelCard card = assembler.card();
    DicomImage image =
        card.image() == null
            ? null
            : study.map(s -> image(cohort, StudySelector.studyUid(s))).orElse(null);
    List<SliceSource> series =
        card.volume() == null
            ? List.of()
            : study.map(s -> series(cohort, StudySelector.studyUid(s))).orElse(List.of());
    return new AssemblyInput(
        rec.patient(),
        study.map(List::of).orElse(List.of()),
        rec.observations(),
        rec.conditions(),
        image,
        study.isPresent() ? null : rec.visitTime(),
        series);
  }

  /** The slices of the study's folder (one instance per file), decoded when the volume is built. */
  private static List<SliceSource> series(Path cohort, String studyUid) {
    if (studyUid == null) {
      return List.of();
    }
    Path folder = cohort.resolve("dicom").resolve(studyUid);
    List<Path> files = Files.isDirectory(folder) ? list(folder, ".dcm") : List.of();
    return files.isEmpty() ? List.of() : VolumeBuilder.sources(files, VolumeOptions.DEFAULT);
  }

  private static DicomImage image(Path cohort, String studyUid) {
    if (studyUid == null) {
      return null;
    }
    Path folder = cohort.resolve("dicom").resolve(studyUid);
    List<Path> files = Files.isDirectory(folder) ? list(folder, ".dcm") : List.of();
    if (files.isEmpty()) {
      return null;
    }
    try (DicomFile f = DicomReader.read(files.get(0))) {
      return DicomImage.of(f);
    }
  }

  private static long[] batched(ModelCard.InputTensor t, int n) {
    long[] shape = t.shape().stream().mapToLong(Long::longValue).toArray();
    shape[0] = n;
    return shape;
  }

  private static List<Path> bundles(Path fhir) {
    if (!Files.isDirectory(fhir)) {
      throw new FcdsException(
          ErrorCode.COHORT_FOLDER_INVALID, "cohort has no fhir/ folder — " + fhir);
    }
    return list(fhir, ".json");
  }

  private static List<Path> list(Path folder, String suffix) {
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void closeSuppressed(NpyWriter w, RuntimeException primary) {
    try {
      w.close();
    } catch (RuntimeException e) {
      primary.addSuppressed(e);
    }
  }

  private static void mkdirs(Path out) {
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
