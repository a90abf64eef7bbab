package io.asisim.cli;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the launcher's client ({@link DaemonClient}) and the CLI daemon ({@link Daemon}) say over
 * their Unix socket (docs/performance.md, "The daemon"). The client sends one request; the daemon
 * answers with frames: bytes for stdout, bytes for stderr, and last the exit code, or a single
 * "busy" frame when it is running another client's command. One home for the format: both sides
 * read and write it through this class.
 */
final class DaemonProtocol {
  private DaemonProtocol() {}

  /** "ASID", then the version: a client and a daemon of different builds never talk (their socket names differ too). */
  static final int MAGIC = 0x41534944;
  static final int VERSION = 1;

  /** Frame types. */
  static final byte OUT = 1;
  static final byte ERR = 2;
  static final byte EXIT = 3;
  static final byte BUSY = 4;

  /** The client's exit code when no daemon listens on the socket: the launcher starts one and asks again. */
  static final int EXIT_NO_DAEMON = 75;
  /** The client's exit code when the daemon runs another command: the launcher runs this one itself. */
  static final int EXIT_BUSY = 76;

  /** Longest string or frame accepted (an argument list, a chunk of output). */
  static final int MAX_BYTES = 1 << 20;
  /** Most arguments accepted. */
  static final int MAX_ARGS = 4096;

  /**
   * One command for the daemon.
   *
   * @param cwd the client's working directory: the daemon runs only commands of its own (relative
   *     paths in the arguments resolve against it; the launcher keys the socket by it)
   * @param launch the launcher's {@code $EPOCHREALTIME} ({@code -Dasisim.launch}), or ""
   * @param columns the terminal width for tables ({@code -Dasisim.columns}), "0" for none
   * @param args the CLI's arguments
   */
  record Request(String cwd, String launch, String columns, List<String> args) {
    Request {
      args = List.copyOf(args);
    }

    void write(DataOutputStream o) throws IOException {
      o.writeInt(MAGIC);
      o.writeInt(VERSION);
      writeString(o, cwd);
      writeString(o, launch);
      writeString(o, columns);
      o.writeInt(args.size());
      for (String a : args) {
        writeString(o, a);
      }
      o.flush();
    }

    /** Reads a request; an {@link IOException} names what was wrong with a malformed one. */
    static Request read(DataInputStream in) throws IOException {
      int magic = in.readInt();
      int version = in.readInt();
      if (magic != MAGIC || version != VERSION) {
        throw new IOException("not an asi-sim client of this version (magic " + Integer.toHexString(magic)
            + ", version " + version + "; this daemon speaks version " + VERSION + ")");
      }
      String cwd = readString(in);
      String launch = readString(in);
      String columns = readString(in);
      int n = in.readInt();
      if (n < 0 || n > MAX_ARGS) {
        throw new IOException("request with " + n + " arguments (valid: 0.." + MAX_ARGS + ")");
      }
      List<String> args = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        args.add(readString(in));
      }
      return new Request(cwd, launch, columns, args);
    }
  }

  /** A sibling of the socket: {@code NAME.sock} → {@code NAME.suffix}. */
  static Path sibling(Path socket, String suffix) {
    String name = socket.getFileName().toString();
    return socket.resolveSibling((name.endsWith(".sock") ? name.substring(0, name.length() - 5) : name) + suffix);
  }

  static void writeString(DataOutputStream o, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    o.writeInt(b.length);
    o.write(b);
  }

  static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > MAX_BYTES) {
      throw new IOException("string of " + n + " bytes (valid: 0.." + MAX_BYTES + ")");
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
