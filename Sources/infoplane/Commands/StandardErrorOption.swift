import ArgumentParser
import InfoPlane

/// `--standard-error sum|per-sample`, shared by the commands that estimate with entropies (`StandardErrorRule`).
struct StandardErrorOption: ParsableArguments {
  @Option(name: .customLong("standard-error"), help: ArgumentHelp(
    "Standard errors of the entropy-based estimates (wkl, kl, entropy-sum, labels): sum (the paper's: the parts' "
      + "errors added, conservative) or per-sample (the spread of the per-sample MI terms; docs/estimators.md, \"How far to trust "
      + "the standard errors\").", valueName: "rule"))
  var rule: StandardErrorRule = .sumOfParts
}

extension StandardErrorRule: ExpressibleByArgument {}
