/// Everything that can go wrong reading or writing a data file; each case names the file and what is wrong.
///
/// Messages say what to do about it (docs/architecture.md, Conventions §5). Indices are 0-based, as NumPy prints them; CSV errors also
/// give the 1-based line number an editor shows.
public enum DatasetsError: Error, Equatable, Sendable, CustomStringConvertible {
  /// No file at `file`.
  case fileNotFound(file: String)
  /// The file exists but could not be read or written (permissions, a directory, disk full, …).
  case ioFailure(file: String, reason: String)
  /// The file ends before the data its header promises.
  case truncated(file: String, expectedBytes: Int, actualBytes: Int)
  /// More bytes than the header accounts for.
  case trailingBytes(file: String, expectedBytes: Int, actualBytes: Int)
  /// The first bytes are not the signature of `format`.
  case badMagic(file: String, format: String, found: String)
  /// The header is not well formed; `reason` says where.
  case malformedHeader(file: String, format: String, reason: String)
  /// An element type this format or this library does not handle.
  case unsupportedDType(file: String, format: String, dtype: String)
  /// A Fortran-ordered (column-major) `.npy` file.
  case fortranOrder(file: String)
  /// A big-endian `.npy` or safetensors dtype.
  case bigEndian(file: String, dtype: String)
  /// A shape whose element or byte count does not fit in an `Int`, or has a negative extent.
  case invalidShape(file: String, shape: String, reason: String)
  /// A CSV field that is not a number (0-based data row and column; `line` is the 1-based line of the file).
  case notANumber(file: String, row: Int, column: Int, line: Int, text: String)
  /// A CSV field that is NaN or ±Inf.
  case nonFinite(file: String, row: Int, column: Int, line: Int)
  /// A CSV row with a different number of fields than the first row.
  case raggedRow(file: String, row: Int, line: Int, expected: Int, found: Int)
  /// A CSV file with no data rows.
  case emptyCSV(file: String)
  /// The file is gzip-compressed but does not inflate.
  case corruptGzip(file: String, reason: String)
  /// A file whose format cannot be told from its name or first bytes.
  case unknownFormat(file: String)
  /// A safetensors entry whose byte range or size is inconsistent with its dtype and shape or the other entries.
  case badTensorEntry(file: String, name: String, reason: String)
  /// A value this format cannot store (writing).
  case cannotEncode(file: String, format: String, reason: String)
  /// A synthetic task or dataset generator was asked for something impossible; the message says what.
  case invalidParameter(String)
  /// An array that cannot be converted as asked (e.g. labels from a 3-D array); `reason` says why.
  case conversion(reason: String)
  /// An expected dataset file is missing from `directory`; `file` lists the names tried.
  case missingDatasetFile(directory: String, file: String)
  /// The dataset directory itself is missing; `installHint` is a command that installs it, if one is known.
  case missingDatasetDirectory(directory: String, installHint: String?)
  /// The images and labels of a dataset split disagree.
  case datasetMismatch(images: String, labels: String, reason: String)
  /// `FILE:NAME` names an array the file does not hold.
  case noArrayNamed(file: String, name: String, available: [String])
  /// A file with several arrays given without `:NAME`.
  case severalArrays(file: String, names: [String])
  /// Every pixel of a dataset's training images has the same value: there is nothing to learn or normalise by.
  case constantImages(file: String)
  /// A file of fixed-size records (CIFAR-10 binary) whose size or content is wrong; `reason` names the record.
  case badRecords(file: String, format: String, reason: String)

  /// What went wrong and what to do about it, for the "Error:" line.
  public var description: String {
    switch self {
    case let .fileNotFound(file):
      "\(file): no such file; check the path."
    case let .ioFailure(file, reason):
      "\(file): \(reason)"
    case let .truncated(file, expected, actual):
      "\(file) is truncated: its header needs \(expected) bytes but the file has \(actual); re-create or re-download it."
    case let .trailingBytes(file, expected, actual):
      "\(file) has \(actual) bytes but its header accounts for \(expected); the header or the data is wrong, re-create the file."
    case let .badMagic(file, format, found):
      "\(file) is not a valid \(format) file (it starts with \(found)); check that the file has the format its name says."
    case let .malformedHeader(file, format, reason):
      "\(file): malformed \(format) header: \(reason); re-create the file."
    case let .unsupportedDType(file, format, dtype):
      "\(file): \(format) dtype \(dtype) is not supported; convert to float32, float64, int8, int16, int32, int64, uint8 or bool."
    case let .fortranOrder(file):
      "\(file) is in Fortran (column-major) order; re-save it in C order with np.save(path, np.ascontiguousarray(a))."
    case let .bigEndian(file, dtype):
      "\(file) is big-endian (dtype \(dtype)); re-save it little-endian, e.g. np.save(path, a.astype(a.dtype.newbyteorder('<')))."
    case let .invalidShape(file, shape, reason):
      "\(file): shape \(shape) is invalid: \(reason); the header is corrupt, re-create the file."
    case let .notANumber(file, row, column, line, text):
      "\(file): data row \(row), column \(column) (0-based; line \(line) of the file) is "
        + (text.isEmpty ? "empty" : "'\(text)'") + ", not a number; fix or remove that value."
    case let .nonFinite(file, row, column, line):
      "\(file): data row \(row), column \(column) (0-based; line \(line) of the file) is NaN or Inf; drop or impute that row."
    case let .raggedRow(file, row, line, expected, found):
      "\(file): data row \(row) (0-based; line \(line) of the file) has \(found) fields but the first row has "
        + "\(expected); every row needs the same number of fields."
    case let .emptyCSV(file):
      "\(file) has no data rows; a CSV of numbers needs at least one row."
    case let .corruptGzip(file, reason):
      "\(file): corrupt gzip data (\(reason)); re-download the file or check it with `gzip -t`."
    case let .unknownFormat(file):
      "\(file): unknown file format; supported are .npy, .csv, IDX (optionally .gz) and .safetensors."
    case let .badTensorEntry(file, name, reason):
      "\(file): tensor '\(name)' is inconsistent: \(reason); re-create the file."
    case let .cannotEncode(file, format, reason):
      "cannot write \(file) as \(format): \(reason)."
    case let .invalidParameter(message):
      "Invalid setting: \(message)."
    case let .conversion(reason):
      reason
    case let .missingDatasetFile(directory, file):
      "\(directory) has no \(file); put the dataset's files there."
    case let .missingDatasetDirectory(directory, hint):
      "dataset directory \(directory) does not exist; "
        + (hint.map { "install it with `\($0)` or pass another directory." }
          ?? "pass a directory that holds the dataset.")
    case let .datasetMismatch(images, labels, reason):
      "\(images) and \(labels) do not match: \(reason); use the images and labels of the same split."
    case let .noArrayNamed(file, name, available):
      "\(file) has no array named '\(name)'; it holds: \(available.joined(separator: ", "))."
    case let .severalArrays(file, names):
      "\(file) holds \(names.count) arrays (\(names.joined(separator: ", "))); pick one with \(file):NAME."
    case let .constantImages(file):
      "\(file) has the same value in every pixel; nothing to learn from."
    case let .badRecords(file, format, reason):
      "\(file) is not a valid \(format) file: \(reason); re-download or re-extract it."
    }
  }
}
