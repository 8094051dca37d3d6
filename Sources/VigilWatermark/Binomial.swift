#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Tail probabilities of the fair-coin binomial distribution, computed in log space.
public enum Binomial {
    /// log P(X ≥ k) for X ~ Binomial(n, ½): the chance that `n` unrelated bits agree with a fixed
    /// payload in at least `k` places. Exact up to binary64 rounding (log-sum-exp of log C(n, i)).
    public static func logUpperTail(atLeast k: Int, of n: Int) -> Double {
        precondition(n >= 0, "the number of trials cannot be negative")
        if k <= 0 { return 0 }
        if k > n { return -.infinity }
        // log C(n, i) for i = k…n, built from log C(n, k) by the ratio C(n, i+1)/C(n, i) = (n−i)/(i+1).
        var logTerm = lgamma(Double(n) + 1) - lgamma(Double(k) + 1) - lgamma(Double(n - k) + 1)
        var terms: [Double] = []
        terms.reserveCapacity(n - k + 1)
        for i in k...n {
            terms.append(logTerm)
            if i < n { logTerm += log(Double(n - i)) - log(Double(i + 1)) }
        }
        let largest = terms.max()!
        let sum = terms.reduce(0.0) { $0 + exp($1 - largest) }
        return largest + log(sum) - Double(n) * log(2.0)
    }

    /// P(X ≥ k) for X ~ Binomial(n, ½) (may underflow to 0 only below ~10⁻³⁰⁸, i.e. never for n ≤ 1000).
    public static func upperTail(atLeast k: Int, of n: Int) -> Double {
        exp(logUpperTail(atLeast: k, of: n))
    }
}
