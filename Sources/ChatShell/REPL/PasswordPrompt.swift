import Foundation
import Glibc

/// Reads a password from the terminal with echo off; never stored in history.
enum PasswordPrompt {
    static func read(prompt: String) -> String? {
        let fd = open("/dev/tty", O_RDWR)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var original = termios()
        guard tcgetattr(fd, &original) == 0 else { return nil }
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        // Echo goes off (dropping what was typed before) before the prompt shows: a password typed or pasted the
        // moment the prompt appears must not be discarded by the switch, as it was when the prompt came first.
        tcsetattr(fd, TCSAFLUSH, &silent)
        _ = Array(prompt.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        defer {
            // Echo comes back without discarding what is already typed after the password.
            tcsetattr(fd, TCSADRAIN, &original)
            _ = Glibc.write(fd, "\n", 1)
        }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while Glibc.read(fd, &byte, 1) == 1, byte != 10, byte != 13 {
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
