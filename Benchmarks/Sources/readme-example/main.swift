import InfoPlane

var rng = Xoshiro256(seed: 0)
let truth = CorrelatedGaussian(dx: 2, dy: 2, mutualInformation: 1.0)
let (x, y) = try truth.sample(count: 10_000, using: &rng)  // two 10000×2 matrices, row i of x paired with row i of y

let mi = try KSG(k: 5).estimate(x, y)                        // an Estimate: value and standard error in nats
print("I(X;Y) = \(mi.value) ± \(mi.standardError) nats, truth \(truth.mutualInformation)")
if mi.isFlagged { print("cannot be trusted:", mi.flags) }
