package org.fusioncds.cdshooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.ResultKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every hook answer issues a card, so the cards kept for feedback are bounded ({@code
 * cds.feedback.cards-kept}): the newest stay, feedback on an older one is 404 FCDS-1022 as on a
 * card never issued, every card's line stays in the file, and a restart keeps the newest of the
 * file.
 */
class FeedbackCardsKeptTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void pastTheBoundTheOldestCardsAreDroppedAndTheNewestTakeFeedback() throws Exception {
    FeedbackStore store = new FeedbackStore(tmp, null, null, 10);
    for (int i = 0; i < 30; i++) {
      issue(store, "card-" + i);
    }

    assertEquals(10, store.cardsKept());
    assertEquals(30, Files.readAllLines(tmp.resolve("cards.jsonl")).size(), "every line kept");
    assertEquals(1, store.record(feedback("card-29")));
    assertEquals(1, store.record(feedback("card-20")));
    CdsHooksException old =
        assertThrows(CdsHooksException.class, () -> store.record(feedback("card-19")));
    assertEquals(404, old.errorCode().httpStatus());
    assertEquals(ErrorCode.FEEDBACK_CARD_UNKNOWN, old.issues().get(0).code());
    assertEquals(2, Files.readAllLines(tmp.resolve("feedback.jsonl")).size());
  }

  @Test
  void aRestartKeepsTheNewestCardsOfTheFile() throws Exception {
    FeedbackStore first = new FeedbackStore(tmp, null, null, 100);
    for (int i = 0; i < 30; i++) {
      issue(first, "card-" + i);
    }

    FeedbackStore restarted = new FeedbackStore(tmp, null, null, 5);

    assertEquals(5, restarted.cardsKept());
    assertEquals(1, restarted.record(feedback("card-25")));
    assertThrows(CdsHooksException.class, () -> restarted.record(feedback("card-24")));
  }

  @Test
  void aBoundBelowOneIsRefusedWithItsCode() {
    FcdsException e =
        assertThrows(FcdsException.class, () -> new FeedbackStore(tmp, null, null, 0));

    assertEquals(ErrorCode.FEEDBACK_SETTINGS, e.errorCode());
    assertTrue(e.getMessage().contains("cds.feedback.cards-kept must be at least 1, got 0"));
  }

  @Test
  void aCardsFileThatIsNotUtf8OrEndsInHalfALineIsRefusedAtStartWithItsCode() throws Exception {
    Path notUtf8 = Files.createDirectories(tmp.resolve("a"));
    Files.write(notUtf8.resolve("cards.jsonl"), new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}'});
    Path half = Files.createDirectories(tmp.resolve("b"));
    Files.writeString(half.resolve("cards.jsonl"), "{\"card\":\"c-1\"}\n{\"card\":\"c-");

    for (Path folder : List.of(notUtf8, half)) {
      FcdsException e = assertThrows(FcdsException.class, () -> new FeedbackStore(folder));
      assertEquals(ErrorCode.FEEDBACK_FOLDER, e.errorCode(), folder.toString());
      assertTrue(e.getMessage().contains(folder.toString()), e.getMessage());
    }
  }

  private static void issue(FeedbackStore store, String uuid) {
    Card card =
        new Card(uuid, "s", "d", "info", new Card.Source("l", null, null), List.of(), List.of());
    store.issued(
        card,
        "cap-fusion",
        "0.1.0",
        ResultKey.of("cap-fusion", "0.1.0", List.of("Patient/1/_history/1")),
        null);
  }

  private static com.fasterxml.jackson.databind.JsonNode feedback(String uuid) throws Exception {
    return JSON.readTree("{\"feedback\":[{\"card\":\"" + uuid + "\",\"outcome\":\"accepted\"}]}");
  }
}
