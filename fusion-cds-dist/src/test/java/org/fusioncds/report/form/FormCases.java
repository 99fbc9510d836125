package org.fusioncds.report.form;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.fusioncds.assemble.AssemblyInput;
import org.fusioncds.assemble.InputAssembler;
import org.fusioncds.assemble.PatientRecord;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomReader;
import org.fusioncds.flow.AuditContext;
import org.fusioncds.flow.ClinicalInputs;
import org.fusioncds.flow.DicomImage;
import org.fusioncds.flow.EvaluationInputs;
import org.fusioncds.flow.EvaluationJob;
import org.fusioncds.flow.GatheredInputs;
import org.fusioncds.flow.HookRequest;
import org.fusioncds.flow.ImageInput;
import org.fusioncds.flow.InferenceResult;
import org.fusioncds.flow.Inferred;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.flow.PatientContext;
import org.fusioncds.flow.ResultKey;
import org.fusioncds.inference.InferenceSettings;
import org.fusioncds.inference.InferenceStep;
import org.fusioncds.inference.ModelRegistry;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.StudySelector;
import org.fusioncds.sandbox.cohort.CohortGenerator;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;

/**
 * Real cases for the report form: a synthetic cohort written by our generator, each patient's
 * resources given server-like versioned ids, assembled as serving assembles them, run through the
 * committed demo model ({@code models/cap-fusion/}) and explained by its occlusion map.
 */
final class FormCases implements AutoCloseable {

  final ModelRegistry registry;
  final ModelCard card;
  private final Path cohort;
  private final InputAssembler assembler;

  FormCases(Path tmp) {
    this.cohort = tmp.resolve("cohort");
    CohortGenerator.generate(12, 20261203L, cohort);
    this.registry = ModelRegistry.open(Path.of("models"), "cap-fusion", InferenceSettings.cpu());
    this.card = registry.model("cap-fusion").card();
    this.assembler = new InputAssembler(card);
  }

  /** The first patient (bundle order) with a radiograph and labs. */
  Inferred withImageAndLabs(int grid) {
    return inferred(patients(true).get(0), grid, true);
  }

  /** A patient whose image could not be fetched: the image is missing, its reason disclosed. */
  Inferred imageMissing() {
    return inferred(patients(true).get(0), 8, false);
  }

  /** Patients whose bundle has a study with a DICOM instance (and labs when asked). */
  List<Path> patients(boolean labs) {
    try (Stream<Path> s = Files.list(cohort.resolve("fhir"))) {
      return s.sorted()
          .filter(b -> image(PatientRecord.read(b)) != null)
          .filter(b -> !labs || hasLabs(PatientRecord.read(b)))
          .toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  Inferred inferred(Path bundle, int grid, boolean withImage) {
    PatientRecord rec = PatientRecord.read(bundle);
    versioned(rec);
    DicomImage image = withImage ? image(rec) : null;
    ModelInputs inputs =
        assembler.assemble(
            new AssemblyInput(
                rec.patient(), rec.studies(), rec.observations(), rec.conditions(), image, null));
    Instant now = Instant.now();
    HookRequest request =
        new HookRequest(
            "imaging-fusion",
            "patient-view",
            "h-form",
            "http://fhir.test/fhir",
            null,
            null,
            rec.patient().getIdElement().getIdPart(),
            null,
            Map.of());
    PatientContext context =
        new PatientContext(
            EvaluationJob.ofHook(request, card.id(), card.version(), request.fhirServer(), now),
            request,
            now,
            new AuditContext("req-form", "h-form", null, null, null, null),
            request.fhirServer(),
            null,
            java.util.function.Supplier::get,
            rec.patient(),
            rec.studies(),
            rec.studies(),
            rec.studies().get(0));
    GatheredInputs gathered =
        new GatheredInputs(
            context,
            new ClinicalInputs(context, rec.observations(), rec.conditions()),
            image == null
                ? ImageInput.missing(context, "FCDS-2304: the PACS did not answer in time")
                : ImageInput.of(context, image));
    ResultKey key = ResultKey.of(card.id(), card.version(), inputs.referenceStrings());
    InferenceResult result = registry.run(inputs);
    Inferred inferred = new Inferred(new EvaluationInputs(gathered, inputs, key), result);
    InferenceStep step =
        new InferenceStep(
            registry, java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(30), grid);
    return step.explain(inferred);
  }

  /** Server-like ids: {@code Type/<uuid>/_history/1}, as a FHIR server hands them out. */
  private static void versioned(PatientRecord rec) {
    Stream.of(List.of(rec.patient()), rec.studies(), rec.observations(), rec.conditions())
        .flatMap(List::stream)
        .forEach(FormCases::version);
  }

  private static void version(Resource r) {
    String id = r.getIdElement().getValue();
    String uuid = id.startsWith("urn:uuid:") ? id.substring(9) : r.getIdElement().getIdPart();
    r.setIdElement(new IdType(r.fhirType(), uuid, "1"));
  }

  private static boolean hasLabs(PatientRecord rec) {
    return rec.observations().stream()
        .anyMatch(
            o ->
                "laboratory"
                    .equals(((Observation) o).getCategoryFirstRep().getCodingFirstRep().getCode()));
  }

  private DicomImage image(PatientRecord rec) {
    for (ImagingStudy s : rec.studies()) {
      String uid = StudySelector.studyUid(s);
      Path folder = cohort.resolve("dicom").resolve(uid == null ? "none" : uid);
      if (!Files.isDirectory(folder)) {
        continue;
      }
      try (Stream<Path> files = Files.list(folder)) {
        Path f = files.filter(p -> p.toString().endsWith(".dcm")).findFirst().orElse(null);
        if (f != null) {
          try (DicomFile d = DicomReader.read(f)) {
            return DicomImage.of(d);
          }
        }
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
    return null;
  }

  @Override
  public void close() {
    registry.close();
  }
}
