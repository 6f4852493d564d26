package dev.refract.console;

import dev.refract.outbound.PspCallStats;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A PSP's last minutes as a small bar chart in inline SVG, drawn on the server: no script, nothing to load. The SVG
 * holds numbers and fixed words only, never text that came in from outside.
 */
final class Charts {

    static final int WIDTH = 300;
    static final int HEIGHT = 80;

    private Charts() {}

    /** The share of attempts that failed, per slot, on a scale of 0 to 100 %. */
    static String failures(List<PspCallStats.Slot> slots) {
        return bars(slots, s -> s.failureRatio() * 100, 100, "%", "chart-bad", "share of attempts that failed");
    }

    /** The mean latency of the attempts, per slot, on a scale up to the slowest slot. */
    static String latency(List<PspCallStats.Slot> slots) {
        double max =
                slots.stream().mapToDouble(PspCallStats.Slot::meanMillis).max().orElse(0);
        return bars(slots, s -> s.meanMillis(), Math.max(max, 1), " ms", "chart-time", "mean latency of the attempts");
    }

    private static String bars(
            List<PspCallStats.Slot> slots,
            ToDoubleFunction<PspCallStats.Slot> value,
            double top,
            String unit,
            String cssClass,
            String label) {
        StringBuilder svg = new StringBuilder()
                .append("<svg class=\"chart ")
                .append(cssClass)
                .append("\" viewBox=\"0 0 ")
                .append(WIDTH)
                .append(' ')
                .append(HEIGHT + 14)
                .append("\" role=\"img\" aria-label=\"")
                .append(label)
                .append("\"><line class=\"axis\" x1=\"0\" y1=\"")
                .append(HEIGHT)
                .append("\" x2=\"")
                .append(WIDTH)
                .append("\" y2=\"")
                .append(HEIGHT)
                .append("\"/>");
        double step = (double) WIDTH / Math.max(slots.size(), 1);
        for (int i = 0; i < slots.size(); i++) {
            PspCallStats.Slot slot = slots.get(i);
            double v = value.applyAsDouble(slot);
            double h = slot.attempts() == 0 ? 0 : Math.max(1, v / top * (HEIGHT - 2));
            svg.append("<rect x=\"")
                    .append(num(i * step + 1))
                    .append("\" y=\"")
                    .append(num(HEIGHT - h))
                    .append("\" width=\"")
                    .append(num(Math.max(step - 2, 1)))
                    .append("\" height=\"")
                    .append(num(h))
                    .append("\"><title>")
                    .append(Times.at(slot.start()))
                    .append(": ")
                    .append(Math.round(v))
                    .append(unit)
                    .append(", ")
                    .append(slot.attempts())
                    .append(" attempts</title></rect>");
        }
        svg.append("<text x=\"0\" y=\"")
                .append(HEIGHT + 12)
                .append("\">-")
                .append(PspCallStats.WINDOW.toMinutes())
                .append(" min</text><text x=\"")
                .append(WIDTH)
                .append("\" y=\"")
                .append(HEIGHT + 12)
                .append("\" text-anchor=\"end\">now · top ")
                .append(Math.round(top))
                .append(unit)
                .append("</text></svg>");
        return svg.toString();
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
