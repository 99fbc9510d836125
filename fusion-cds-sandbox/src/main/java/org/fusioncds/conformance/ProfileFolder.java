package org.fusioncds.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.hl7.fhir.r4.model.StructureDefinition;

/**
 * Reads the FHIR R4 StructureDefinitions our outputs claim ({@code StructureDefinition-*.json} in
 * one folder, by default {@code fhir-profiles/}), as written: differential only.
 */
public final class ProfileFolder {

  private ProfileFolder() {}

  /** Every {@code StructureDefinition-*.json} of the folder, parsed, in file-name order. */
  public static List<StructureDefinition> read(FhirContext fhir, Path folder) {
    List<Path> files = files(folder);
    if (files.isEmpty()) {
      throw new FcdsException(
          ErrorCode.PROFILE_FOLDER,
          "no StructureDefinition-*.json in the profile folder — " + folder);
    }
    List<StructureDefinition> definitions = new ArrayList<>();
    for (Path file : files) {
      definitions.add(parse(fhir, file));
    }
    return definitions;
  }

  private static List<Path> files(Path folder) {
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(p -> p.getFileName().toString().matches("StructureDefinition-.+\\.json"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new FcdsException(
          ErrorCode.PROFILE_FOLDER, "the profile folder cannot be read — " + folder, e);
    }
  }

  private static StructureDefinition parse(FhirContext fhir, Path file) {
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return fhir.newJsonParser().parseResource(StructureDefinition.class, in);
    } catch (IOException | DataFormatException | ClassCastException e) {
      throw new FcdsException(
          ErrorCode.PROFILE_NOT_STRUCTURE_DEFINITION,
          "not a FHIR R4 StructureDefinition — " + file + ": " + e.getMessage(),
          e);
    }
  }
}
