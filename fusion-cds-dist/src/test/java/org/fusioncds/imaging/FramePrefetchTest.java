package org.fusioncds.imaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.VR;
import org.fusioncds.dicom.pixel.Frame;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The read-ahead of a series' frames: fetched on the pool in the consumer's order, never more than
 * {@code readAhead} fetched and not yet taken, each handed over once, a failure thrown to the
 * consumer with its code.
 */
class FramePrefetchTest {

  private final ExecutorService pool = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void framesAreFetchedAheadOfTheConsumerButNeverMoreThanTheWindow() throws Exception {
    List<Dataset> headers = headers(40);
    Set<Integer> held = ConcurrentHashMap.newKeySet();
    AtomicInteger mostHeld = new AtomicInteger();
    List<Integer> order = new ArrayList<>();
    for (int i = 39; i >= 0; i--) {
      order.add(i); // the consumer's order: the reverse of the headers'
    }
    FramePrefetch frames =
        new FramePrefetch(
            headers.size(),
            pool,
            5,
            k -> {
              int i = headers.get(k).getInt(Tag.InstanceNumber, -1);
              held.add(i);
              mostHeld.accumulateAndGet(held.size(), Math::max);
              return frame(i);
            });
    frames.order(order);
    frames.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> frames.fetched() == 5);
    Thread.sleep(200); // the pool filled the window and stopped there

    assertEquals(5, frames.fetched(), "the first window only");
    for (int i : order) {
      Frame f = frames.supplier(i).get();
      assertEquals(i, f.samples()[0], "slice " + i);
      held.remove(i);
    }
    assertEquals(40, frames.fetched());
    assertTrue(mostHeld.get() <= 6, "held at most the window and the one being taken: " + mostHeld);
  }

  @Test
  void aSliceAskedOutOfOrderIsFetchedAtOnceAndAFailureKeepsItsCode() {
    List<Dataset> headers = headers(6);
    FramePrefetch frames =
        new FramePrefetch(
            headers.size(),
            pool,
            2,
            k -> {
              int i = headers.get(k).getInt(Tag.InstanceNumber, -1);
              if (i == 4) {
                throw new FcdsException(ErrorCode.DICOMWEB_NOT_FOUND, "frame gone — " + i);
              }
              return frame(i);
            });
    frames.start();

    assertEquals(5, frames.supplier(5).get().samples()[0]);
    FcdsException e = assertThrows(FcdsException.class, () -> frames.supplier(4).get());
    assertEquals(ErrorCode.DICOMWEB_NOT_FOUND, e.errorCode());
    assertEquals(0, frames.supplier(0).get().samples()[0]);
  }

  private static List<Dataset> headers(int n) {
    List<Dataset> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Dataset d = new Dataset(StandardCharsets.UTF_8);
      d.putString(Tag.InstanceNumber, VR.IS, Integer.toString(i));
      out.add(d);
    }
    return Collections.unmodifiableList(out);
  }

  private static Frame frame(int value) {
    return new Frame(1, 1, 1, 16, 16, 0, "MONOCHROME2", new int[] {value});
  }
}
