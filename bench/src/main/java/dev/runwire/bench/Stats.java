package dev.runwire.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Repetitions of one measurement: the median is the figure, min and max show the spread. */
public record Stats(List<Double> values) {

  public Stats {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no samples");
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    values = List.copyOf(sorted);
  }

  public static Stats of(List<? extends Number> samples) {
    return new Stats(samples.stream().map(Number::doubleValue).toList());
  }

  public static Stats of(double... samples) {
    List<Double> list = new ArrayList<>();
    for (double s : samples) {
      list.add(s);
    }
    return new Stats(list);
  }

  /** The middle value; the mean of the two middle ones for an even count. */
  public double median() {
    int n = values.size();
    return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
  }

  public double min() {
    return values.get(0);
  }

  public double max() {
    return values.get(values.size() - 1);
  }

  public int n() {
    return values.size();
  }

  /** The value below which {@code p} (0..1) of the samples lie (nearest rank). */
  public double percentile(double p) {
    int rank = (int) Math.ceil(p * values.size());
    return values.get(Math.max(0, Math.min(values.size() - 1, rank - 1)));
  }
}
