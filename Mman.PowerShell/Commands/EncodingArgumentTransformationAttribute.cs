using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text;

namespace Mman.Commands
{
    /// <summary>
    /// Lets -Encoding take the names PowerShell 7 users know (utf8, ascii, unicode, latin1, ...), a code
    /// page number, or an Encoding object, the same on Windows PowerShell 5.1 and PowerShell 7.
    /// </summary>
    public sealed class EncodingArgumentTransformationAttribute : ArgumentTransformationAttribute
    {
        internal static readonly string[] KnownNames =
        {
            "ascii", "bigendianunicode", "bigendianutf32", "latin1", "unicode", "utf32", "utf8", "utf8BOM", "utf8NoBOM",
        };

        /// <summary>Converts the argument to an <see cref="Encoding"/>.</summary>
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            switch (value)
            {
                case Encoding encoding:
                    return encoding;
                case int codePage:
                    return Encoding.GetEncoding(codePage);
                case string name:
                    return FromName(name);
                default:
                    return inputData;
            }
        }

        internal static Encoding FromName(string name)
        {
            // Text we read or write carries no byte-order mark: the BOM variants differ only in a file's first bytes.
            switch (name.ToLowerInvariant())
            {
                case "ascii": return new ASCIIEncoding();
                case "bigendianunicode": return new UnicodeEncoding(bigEndian: true, byteOrderMark: false);
                case "bigendianutf32": return new UTF32Encoding(bigEndian: true, byteOrderMark: false);
                case "latin1": return Encoding.GetEncoding(28591);
                case "unicode": return new UnicodeEncoding(bigEndian: false, byteOrderMark: false);
                case "utf32": return new UTF32Encoding(bigEndian: false, byteOrderMark: false);
                case "utf8":
                case "utf-8":
                case "utf8bom":
                case "utf8nobom": return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
                default:
                    if (int.TryParse(name, NumberStyles.Integer, CultureInfo.InvariantCulture, out int codePage))
                    {
                        return Encoding.GetEncoding(codePage);
                    }

                    try
                    {
                        return Encoding.GetEncoding(name);
                    }
                    catch (ArgumentException)
                    {
                        throw new ArgumentTransformationMetadataException(
                            "'" + name + "' is not an encoding. Use one of " + string.Join(", ", KnownNames) + ", a code page number, or an Encoding object.");
                    }
            }
        }
    }

    /// <summary>Tab completion for -Encoding.</summary>
    public sealed class EncodingArgumentCompleter : IArgumentCompleter
    {
        /// <summary>Completes the encoding names that start with what was typed.</summary>
        public IEnumerable<CompletionResult> CompleteArgument(
            string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            foreach (string name in EncodingArgumentTransformationAttribute.KnownNames)
            {
                if (name.StartsWith(wordToComplete ?? string.Empty, StringComparison.OrdinalIgnoreCase))
                {
                    yield return new CompletionResult(name, name, CompletionResultType.ParameterValue, name);
                }
            }
        }
    }
}
