package dev.refract.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, so that a test chooses how a body travels: with a Content-Length or chunked, in one
 * write or trickled in small pieces with pauses between them. HTTP clients choose that themselves.
 */
public final class RawHttp {

    /** How the body is framed on the wire. */
    public enum Framing {
        LENGTH,
        CHUNKED
    }

    /** How a request travels: its framing, and in how many writes with what pause between them. */
    public record Send(Framing framing, int pieces, long pauseMillis) {
        public static Send whole(Framing framing) {
            return new Send(framing, 1, 0);
        }

        @Override
        public String toString() {
            return framing + (pieces == 1 ? " whole" : " in " + pieces + " pieces");
        }
    }

    public record Answer(int status, Map<String, String> headers, String body) {}

    private RawHttp() {}

    public static Answer send(int port, String method, String path, Map<String, String> headers, byte[] body, Send how)
            throws IOException, InterruptedException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n")
                    .append("Host: localhost:")
                    .append(port)
                    .append("\r\nConnection: close\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append(
                            how.framing() == Framing.LENGTH
                                    ? "Content-Length: " + body.length
                                    : "Transfer-Encoding: chunked")
                    .append("\r\n\r\n");
            try {
                out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
                out.flush();
                int pieces = Math.max(1, Math.min(how.pieces(), body.length));
                for (int i = 0, from = 0; i < pieces; i++) {
                    int to = i == pieces - 1 ? body.length : (int) ((long) body.length * (i + 1) / pieces);
                    write(out, how.framing(), body, from, to - from);
                    from = to;
                    if (in.available() > 0) {
                        break; // answered before the whole body was sent (refused): stop sending
                    }
                    if (how.pauseMillis() > 0 && i < pieces - 1) {
                        Thread.sleep(how.pauseMillis());
                    }
                }
                if (how.framing() == Framing.CHUNKED) {
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            } catch (IOException refusedMidway) {
                // the server may close a connection whose body it refuses; its answer is read below
            }
            return read(in);
        }
    }

    private static void write(OutputStream out, Framing framing, byte[] body, int from, int length) throws IOException {
        if (length == 0) {
            return;
        }
        if (framing == Framing.CHUNKED) {
            out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, from, length);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        } else {
            out.write(body, from, length);
        }
        out.flush();
    }

    private static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[16 * 1024];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                all.write(buffer, 0, n);
            }
        } catch (IOException resetAfterTheAnswer) {
            if (all.size() == 0) {
                throw resetAfterTheAnswer;
            }
        }
        byte[] bytes = all.toByteArray();
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no complete answer: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(
                    lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim());
        }
        byte[] rest = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            rest = unchunk(rest);
        }
        return new Answer(status, headers, new String(rest, StandardCharsets.UTF_8));
    }

    private static byte[] unchunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < chunked.length) {
            int lineEnd = at;
            while (lineEnd + 1 < chunked.length && !(chunked[lineEnd] == '\r' && chunked[lineEnd + 1] == '\n')) {
                lineEnd++;
            }
            String size = new String(chunked, at, lineEnd - at, StandardCharsets.US_ASCII).split(";")[0].trim();
            int length = Integer.parseInt(size, 16);
            if (length == 0) {
                break;
            }
            out.write(chunked, lineEnd + 2, length);
            at = lineEnd + 2 + length + 2;
        }
        return out.toByteArray();
    }
}
