// `vigil-bench scrypt [--repeat N] LOGN R P`: times one console password check (scrypt, 32-byte
// key) with Vigil's implementation and prints a JSON object (median in ms).
import VigilStore

func scryptBench(_ args: [String]) {
    var arguments = args
    let repeats = takeRepeat(&arguments, default: 5)
    guard arguments.count == 3, let logN = Int(arguments[0]), let r = Int(arguments[1]), let p = Int(arguments[2]) else {
        print("usage: vigil-bench scrypt [--repeat N] LOGN R P")
        return
    }
    let password = Array("correct horse battery staple".utf8), salt = Array("0123456789abcdef".utf8)
    var times: [Double] = []
    var key: [UInt8] = []
    for _ in 0..<repeats {
        times.append(
            milliseconds {
                key = (try? PasswordHasher.scrypt(password: password, salt: salt, logN: logN, r: r, p: p, length: 32)) ?? []
            })
    }
    let hex = key.map { String(($0 >> 4), radix: 16) + String($0 & 15, radix: 16) }.joined()
    print(#"{"logN":\#(logN),"r":\#(r),"p":\#(p),"median_ms":\#(median(times)),"key":"\#(hex)"}"#)
}
