package org.fusioncds.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/** Reads and validates {@code model-card.yaml} files (YAML 1.1 via jackson-dataformat-yaml). */
public final class ModelCards {

  /** The card's file name inside a model folder. */
  public static final String FILE_NAME = "model-card.yaml";

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private ModelCards() {}

  /** Reads a card file and validates it; coded 5001 / 5002 / 5003 errors name the field. */
  public static ModelCard load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new FcdsException(
          ErrorCode.MODEL_CARD_UNREADABLE, "model card unreadable — " + file, e);
    }
    return parse(text, file.toString());
  }

  /** Parses card text; {@code origin} names it in messages. */
  public static ModelCard parse(String yaml, String origin) {
    ModelCard card;
    try {
      card = YAML.readValue(yaml, ModelCard.class);
    } catch (JsonMappingException e) {
      throw new FcdsException(
          ErrorCode.MODEL_CARD_FIELD_INVALID,
          "model card field invalid at " + path(e) + " — " + origin + ": " + e.getOriginalMessage(),
          e);
    } catch (JsonProcessingException e) {
      throw new FcdsException(
          ErrorCode.MODEL_CARD_UNREADABLE, "model card is not valid YAML — " + origin, e);
    }
    if (card == null) {
      throw new FcdsException(ErrorCode.MODEL_CARD_UNREADABLE, "model card is empty — " + origin);
    }
    new ModelCardValidator(card, origin).validate();
    return card;
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
  }
}
