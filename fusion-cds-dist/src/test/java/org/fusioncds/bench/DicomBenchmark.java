package org.fusioncds.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomReader;
import org.fusioncds.dicom.TransferSyntax;
import org.fusioncds.dicom.pixel.ImageDescription;
import org.fusioncds.dicom.pixel.PixelDecoder;
import org.fusioncds.dicom.volume.Volume;
import org.fusioncds.dicom.volume.VolumeBuilder;
import org.fusioncds.dicom.volume.VolumeOptions;
import org.fusioncds.testing.TestData;

/**
 * Benchmarks, not a test (surefire does not run it): run by hand from the repository's top folder
 * after {@code mvn -B -q install -DskipTests} and {@code mvn -q -pl fusion-cds-dist
 * dependency:build-classpath -Dmdep.outputFile=target/cp.txt}, with {@code
 * CLASSPATH=fusion-cds-dist/target/classes:fusion-cds-dist/target/test-classes:$(cat
 * fusion-cds-dist/target/cp.txt) java org.fusioncds.bench.DicomBenchmark}.
 *
 * <p>(a) Decode throughput, in MB/s of decoded pixel bytes (rows × columns × samples × bytes per
 * sample, all frames), of our {@link PixelDecoder} against DCMTK's decompression tool for the
 * file's transfer syntax ({@code dcmdrle}, {@code dcmdjpeg}, {@code dcmdjpls}, {@code dcmconv +te};
 * DCMTK has no JPEG 2000 decoder). One iteration is the whole job for a file: ours parses the file
 * and decodes every frame; DCMTK's tool parses, decodes and writes the decoded file to {@code
 * /dev/shm} (memory). DCMTK's process start-up is removed by subtracting the time of the same tool
 * run the same number of times on the tiny uncompressed {@code MR_small.dcm} (64 × 64, 8 KiB of
 * pixels), measured in the same round; what remains is decode (plus the output write) of the file.
 * Each measurement repeats iterations until at least {@code --seconds} (default 1) have passed; the
 * median of {@code --rounds} (default 3) measurements is printed, after a JVM warm-up of the same
 * length per file.
 *
 * <p>(b) The 128-slice MR series into a {@link Volume}: wall time (median of the rounds, after one
 * warm-up), the heap retained by the volume after a full GC, the peak of the heap during the build
 * (sum of the heap pools' peak usage after a GC and a reset of the peaks, an upper bound, and the
 * largest used heap sampled every millisecond), and the bytes allocated, each as a ratio to the
 * float32 voxel array (128 × 128 × 128 × 4 bytes). With G1 the 8 MiB array is a humongous object
 * that occupies whole regions, so "retained" is rounded up to the region size.
 */
public final class DicomBenchmark {

  private static final String[] FILES = {
    "dicom/transfer-syntax/MR_small.dcm",
    "dicom/transfer-syntax/MR_small_implicit.dcm",
    "dicom/transfer-syntax/MR_small_bigendian.dcm",
    "dicom/transfer-syntax/MR_small_RLE.dcm",
    "dicom/transfer-syntax/MR_small_jpeg_ls_lossless.dcm",
    "dicom/transfer-syntax/MR_small_jp2klossless.dcm",
    "dicom/multiframe/emri_small.dcm",
    "dicom/multiframe/emri_small_jpeg_2k_lossless.dcm",
    "dicom/multiframe/CT0012.not_fragmented_bot_rle.dcm",
    "dicom/multiframe/CT0012.fragmented_no_bot_jpeg_lossless.57.dcm",
    "dicom/multiframe/CT0012.fragmented_no_bot_jpeg_ls.80.dcm",
    "dicom/multiframe/CT0012.fragmented_no_bot_jpeg_baseline.51.dcm",
    "dicom/multiframe/US_examples_ybr_color.dcm",
    "dicom/modality/CR_RG3_J2KI.dcm",
  };

  private static final String BASELINE = "dicom/transfer-syntax/MR_small.dcm";

  private static double seconds = 1.0;
  private static int rounds = 3;

  private DicomBenchmark() {}

  public static void main(String[] args) throws Exception {
    boolean decode = true;
    boolean volume = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> seconds = Double.parseDouble(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--decode-only" -> volume = false;
        case "--volume-only" -> decode = false;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "JVM %s, %d CPUs, max heap %d MiB; %.1f s per measurement, median of %d%n",
        System.getProperty("java.vm.version"),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        seconds,
        rounds);
    if (decode) {
      decodeTable();
    }
    if (volume) {
      volume();
    }
  }

  // ---------------------------------------------------------------- (a) decode throughput

  private record Job(Path file, String name, String syntax, int frames, long decodedBytes) {}

  private static void decodeTable() throws IOException {
    Path out = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of("/tmp");
    Path outFile = Files.createTempFile(out, "fcds-bench", ".dcm");
    Path baseline = TestData.path(BASELINE);
    System.out.println();
    System.out.println("(a) decode throughput, MB/s of decoded pixel bytes (1 MB = 10^6 bytes)");
    System.out.printf(
        Locale.ROOT,
        "%-46s %-26s %6s %8s %10s %10s %12s %8s%n",
        "file",
        "transfer syntax",
        "frames",
        "MB/iter",
        "ours MB/s",
        "DCMTK MB/s",
        "DCMTK tool",
        "ours/DC");
    try {
      for (String rel : FILES) {
        Job job = job(TestData.path(rel));
        double ours = ourThroughput(job);
        String[] tool = dcmtkTool(job.syntax());
        double dcmtk = Double.NaN;
        if (tool != null) {
          dcmtk = dcmtkThroughput(job, tool, baseline, outFile);
        }
        System.out.printf(
            Locale.ROOT,
            "%-46s %-26s %6d %8.3f %10.1f %10s %12s %8s%n",
            job.name(),
            job.syntax(),
            job.frames(),
            job.decodedBytes() / 1e6,
            ours,
            tool == null
                ? "-"
                : Double.isNaN(dcmtk) ? "startup" : String.format(Locale.ROOT, "%.1f", dcmtk),
            tool == null ? "(none)" : String.join(" ", tool),
            Double.isNaN(dcmtk) ? "-" : String.format(Locale.ROOT, "%.2f", ours / dcmtk));
      }
    } finally {
      Files.deleteIfExists(outFile);
    }
  }

  private static Job job(Path file) {
    try (DicomFile f = DicomReader.read(file)) {
      Dataset ds = f.dataset();
      ImageDescription d = ImageDescription.of(ds, org.fusioncds.dicom.DicomLimits.DEFAULT);
      long bytes =
          (long) d.frames()
              * d.rows()
              * d.columns()
              * d.samplesPerPixel()
              * ((d.bitsAllocated() + 7) / 8);
      TransferSyntax ts = f.transferSyntax();
      return new Job(
          file,
          file.getFileName().toString(),
          ts == null ? f.transferSyntaxUid() : ts.name(),
          d.frames(),
          bytes);
    }
  }

  private static long decodeOnce(Path file) {
    long check = 0;
    try (DicomFile f = DicomReader.read(file)) {
      int frames = Math.max(1, f.dataset().getInt(org.fusioncds.dicom.Tag.NumberOfFrames, 1));
      for (int i = 0; i < frames; i++) {
        check += PixelDecoder.decode(f, i).samples()[i];
      }
    }
    return check;
  }

  private static long sink;

  /** Median MB/s over the rounds, after a warm-up as long as one round. */
  private static double ourThroughput(Job job) {
    timeUntil(() -> sink += decodeOnce(job.file()));
    double[] rates = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      double[] t = timeUntil(() -> sink += decodeOnce(job.file()));
      rates[r] = job.decodedBytes() * t[1] / t[0] / 1e6;
    }
    return median(rates);
  }

  /** Runs the task until {@link #seconds} passed: {elapsed seconds, iterations}. */
  private static double[] timeUntil(Runnable task) {
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    int n = 0;
    long now;
    do {
      task.run();
      n++;
      now = System.nanoTime();
    } while (now < end);
    return new double[] {(now - start) / 1e9, n};
  }

  private static String[] dcmtkTool(String syntax) {
    TransferSyntax ts;
    try {
      ts = TransferSyntax.valueOf(syntax);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (ts.deflated() || ts.compression() == TransferSyntax.Compression.NONE) {
      return new String[] {"dcmconv", "+te"};
    }
    return switch (ts.compression()) {
      case RLE -> new String[] {"dcmdrle"};
      case JPEG_BASELINE, JPEG_EXTENDED, JPEG_LOSSLESS -> new String[] {"dcmdjpeg"};
      case JPEG_LS -> new String[] {"dcmdjpls"};
      default -> null;
    };
  }

  /**
   * Median over the rounds of: the file's bytes × n / (time of n runs on the file − time of n runs
   * on the baseline file), n chosen so that the runs on the file take at least {@link #seconds}.
   */
  private static double dcmtkThroughput(Job job, String[] tool, Path baseline, Path out) {
    runTool(tool, job.file(), out); // warm the page cache and the binaries
    runTool(tool, baseline, out);
    double[] rates = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      long start = System.nanoTime();
      long end = start + (long) (seconds * 1e9);
      int n = 0;
      long now;
      do {
        runTool(tool, job.file(), out);
        n++;
        now = System.nanoTime();
      } while (now < end);
      double fileTime = (now - start) / 1e9;
      long b0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        runTool(tool, baseline, out);
      }
      double baseTime = (System.nanoTime() - b0) / 1e9;
      double net = fileTime - baseTime;
      // below a tenth of the start-up cost the difference is noise: not measurable this way
      rates[r] = net < 0.1 * baseTime ? Double.NaN : job.decodedBytes() * n / net / 1e6;
    }
    for (double rate : rates) {
      if (Double.isNaN(rate)) {
        return Double.NaN;
      }
    }
    return median(rates);
  }

  private static void runTool(String[] tool, Path in, Path out) {
    List<String> cmd = new ArrayList<>(Arrays.asList(tool));
    cmd.add(in.toString());
    cmd.add(out.toString());
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      int rc = p.waitFor();
      if (rc != 0) {
        throw new IllegalStateException(cmd + " exited " + rc);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + cmd.get(0) + " (is DCMTK installed?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  // ---------------------------------------------------------------- (b) series to volume

  private static void volume() throws InterruptedException {
    List<Path> files = TestData.files("dicom/series/pacsman-mr-128");
    long voxelBytes = 128L * 128 * 128 * 4;
    VolumeBuilder.fromFiles(files, VolumeOptions.DEFAULT); // warm-up
    double[] times = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      Volume v = VolumeBuilder.fromFiles(files, VolumeOptions.DEFAULT);
      times[r] = (System.nanoTime() - t0) / 1e9;
      sink += v.depth();
    }

    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    List<MemoryPoolMXBean> heapPools = new ArrayList<>();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        heapPools.add(p);
      }
    }
    System.gc();
    Thread.sleep(100); // not a poll: lets the collection settle before the baseline is read
    long before = memory.getHeapMemoryUsage().getUsed();
    heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong sampledPeak = new AtomicLong(before);
    Thread sampler =
        new Thread(
            () -> {
              while (running.get()) {
                sampledPeak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                  Thread.sleep(1); // the sampling period of the heap-use sampler
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    sampler.setDaemon(true);
    sampler.start();
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long allocated0 = threads.getCurrentThreadAllocatedBytes();
    long t0 = System.nanoTime();
    Volume v = VolumeBuilder.fromFiles(files, VolumeOptions.DEFAULT);
    double once = (System.nanoTime() - t0) / 1e9;
    long allocated = threads.getCurrentThreadAllocatedBytes() - allocated0;
    running.set(false);
    sampler.join();
    long poolPeak = 0;
    for (MemoryPoolMXBean p : heapPools) {
      poolPeak += p.getPeakUsage().getUsed();
    }
    System.gc();
    Thread.sleep(100); // not a poll: lets the collection settle before retained heap is read
    long retained = memory.getHeapMemoryUsage().getUsed() - before;
    sink += v.voxels().length;

    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "(b) series to volume: %d files -> %d x %d x %d float32 = %.2f MiB of voxels%n",
        files.size(),
        v.width(),
        v.height(),
        v.depth(),
        voxelBytes / 1048576.0);
    System.out.printf(Locale.ROOT, "%-58s %12s %8s%n", "measure", "value", "÷ voxels");
    row("wall time, median of " + rounds + " (s)", median(times), Double.NaN);
    row("wall time of the measured build (s)", once, Double.NaN);
    row("heap retained after GC (MiB)", retained / 1048576.0, (double) retained / voxelBytes);
    row(
        "peak heap above baseline, sampled every ms (MiB)",
        (sampledPeak.get() - before) / 1048576.0,
        (double) (sampledPeak.get() - before) / voxelBytes);
    row(
        "peak heap above baseline, sum of pool peaks (MiB)",
        (poolPeak - before) / 1048576.0,
        (double) (poolPeak - before) / voxelBytes);
    row(
        "bytes allocated by the build (MiB)",
        allocated / 1048576.0,
        (double) allocated / voxelBytes);
    if (sink == 42) {
      System.out.println();
    }
  }

  private static void row(String name, double value, double ratio) {
    System.out.printf(
        Locale.ROOT,
        "%-58s %12.3f %8s%n",
        name,
        value,
        Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "%.2f", ratio));
  }
}
