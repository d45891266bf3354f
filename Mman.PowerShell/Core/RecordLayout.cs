using System;
using System.Collections.Generic;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Mman
{
    /// <summary>What a field of a record holds: one of the ten numbers, a fixed-length byte array or string.</summary>
    public enum RecordFieldKind
    {
        /// <summary>An unsigned 8-bit integer.</summary>
        Byte,

        /// <summary>A signed 8-bit integer.</summary>
        SByte,

        /// <summary>A signed 16-bit integer.</summary>
        Int16,

        /// <summary>An unsigned 16-bit integer.</summary>
        UInt16,

        /// <summary>A signed 32-bit integer.</summary>
        Int32,

        /// <summary>An unsigned 32-bit integer.</summary>
        UInt32,

        /// <summary>A signed 64-bit integer.</summary>
        Int64,

        /// <summary>An unsigned 64-bit integer.</summary>
        UInt64,

        /// <summary>An IEEE 754 single-precision number.</summary>
        Single,

        /// <summary>An IEEE 754 double-precision number.</summary>
        Double,

        /// <summary>A fixed number of bytes, as a byte[].</summary>
        Bytes,

        /// <summary>A fixed number of bytes decoded as text; trailing NUL characters are trimmed.</summary>
        String,
    }

    /// <summary>One named field of a <see cref="RecordLayout"/>: where it is in the record and what it holds.</summary>
    public sealed class RecordField
    {
        internal RecordField(string name, RecordFieldKind kind, int offset, int size)
        {
            Name = name;
            Kind = kind;
            Offset = offset;
            Size = size;
        }

        /// <summary>The field's name, the property of each record object.</summary>
        public string Name { get; }

        /// <summary>What the field holds.</summary>
        public RecordFieldKind Kind { get; }

        /// <summary>Where the field starts, in bytes from the start of the record.</summary>
        public int Offset { get; }

        /// <summary>How many bytes the field takes.</summary>
        public int Size { get; }

        /// <summary>The .NET type of the field's value: byte[] for Bytes, string for String.</summary>
        public Type ClrType => RecordLayout.ClrTypeOf(Kind);

        /// <summary>Whether the field is a number of more than one byte, whose bytes -BigEndian reverses.</summary>
        internal bool IsWideNumber => Kind < RecordFieldKind.Bytes && Size > 1;
    }

    /// <summary>
    /// The shape of a fixed-size binary record, parsed and validated once: named fields at offsets, padding,
    /// the record's size; or a blittable .NET struct. Pure: it touches no map, so every rule is tested on
    /// any system. Decoding and encoding work on a byte array holding the records.
    /// </summary>
    public sealed class RecordLayout
    {
        // A field's type: a name, an optional [length] and an optional @offset, e.g. 'String[16]@8'.
        private const int MaxRecordSize = 1 << 30;

        private RecordLayout(IReadOnlyList<RecordField> fields, int size, Type structType, Run[] written, Run[] swapped)
        {
            Fields = fields;
            Size = size;
            StructType = structType;
            Written = written;
            Swapped = swapped;
        }

        /// <summary>The named fields, in the layout's order (padding is not a field).</summary>
        public IReadOnlyList<RecordField> Fields { get; }

        /// <summary>The size of one record in bytes: the end of its farthest field or padding.</summary>
        public int Size { get; }

        /// <summary>The struct type the layout was made from, or null for a layout of named fields.</summary>
        public Type StructType { get; }

        /// <summary>The byte ranges of a record its fields cover (padding excluded), merged, in order: what a write changes.</summary>
        internal Run[] Written { get; }

        /// <summary>The numbers of more than one byte in a record, whose bytes -BigEndian reverses.</summary>
        internal Run[] Swapped { get; }

        /// <summary>
        /// Whether two numbers of the layout share bytes (a struct with explicit layout used as a union):
        /// their bytes have no one big-endian order, so -BigEndian refuses such a layout.
        /// </summary>
        public bool NumbersOverlap
        {
            get
            {
                for (int i = 1; i < Swapped.Length; i++)
                {
                    if (Swapped[i].Offset < Swapped[i - 1].End)
                    {
                        return true;
                    }
                }

                return false;
            }
        }

        /// <summary>Throws LayoutInvalid when the layout cannot be read or written big-endian (see <see cref="NumbersOverlap"/>).</summary>
        public void CheckBigEndian()
        {
            if (NumbersOverlap)
            {
                throw Invalid("Struct [" + StructType?.FullName + "] has numbers that share bytes (a union), which have no one big-endian order; read it without -BigEndian, or use a layout of named fields.");
            }
        }

        /// <summary>A text that is equal for equal layouts, to cache what is built for a layout.</summary>
        public string Signature
        {
            get
            {
                if (StructType != null)
                {
                    return "struct:" + StructType.AssemblyQualifiedName;
                }

                var text = new StringBuilder();
                foreach (RecordField field in Fields)
                {
                    text.Append(field.Name).Append(':').Append(field.Kind).Append('[').Append(field.Size).Append("]@").Append(field.Offset).Append(';');
                }

                return text.Append(Size).ToString();
            }
        }

        /// <summary>
        /// Parses a layout of named fields. Each type is one of the ten numbers (Byte … Double), Byte[N],
        /// String[N] or Padding[N] (N bytes skipped, no field), optionally followed by @offset for an
        /// explicit place in the record; a field without one follows the previous field. Field names are
        /// compared without case, as PowerShell's are.
        /// </summary>
        /// <param name="fields">Field name and type, in order.</param>
        /// <param name="ordered">Whether the fields' order is meaningful; when it is not (a plain
        /// hashtable), every field needs an explicit offset.</param>
        /// <exception cref="MemoryMapArgumentException">LayoutInvalid, naming the field.</exception>
        public static RecordLayout Parse(IEnumerable<KeyValuePair<string, string>> fields, bool ordered)
        {
            if (fields == null)
            {
                throw new ArgumentNullException(nameof(fields));
            }

            var named = new List<RecordField>();
            var occupied = new List<KeyValuePair<string, Run>>();
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            long next = 0;
            long size = 0;
            foreach (KeyValuePair<string, string> pair in fields)
            {
                string name = pair.Key;
                if (string.IsNullOrWhiteSpace(name))
                {
                    throw Invalid("A field has an empty name; give every field a name.");
                }

                if (!names.Add(name))
                {
                    throw Invalid("Field '" + name + "' is named twice; give every field its own name.");
                }

                ParseType(name, pair.Value, out bool padding, out RecordFieldKind kind, out int length, out long explicitOffset);
                if (explicitOffset < 0 && !ordered)
                {
                    throw Invalid(
                        "Field '" + name + "' has no offset, and a hashtable keeps no order of its fields. Use an ordered dictionary ([ordered]@{ ... }), or give every field an offset ('UInt32@8').");
                }

                long offset = explicitOffset >= 0 ? explicitOffset : next;
                if (offset + length > MaxRecordSize)
                {
                    throw Invalid("Field '" + name + "' ends past " + MaxRecordSize + " bytes, more than one record may be.");
                }

                var run = new Run((int)offset, length);
                foreach (KeyValuePair<string, Run> other in occupied)
                {
                    if (run.Offset < other.Value.End && other.Value.Offset < run.End)
                    {
                        throw Invalid(string.Format(
                            CultureInfo.InvariantCulture,
                            "Field '{0}' (bytes {1}..{2}) overlaps field '{3}' (bytes {4}..{5}); move one of them, or drop it.",
                            name, run.Offset, run.End - 1, other.Key, other.Value.Offset, other.Value.End - 1));
                    }
                }

                occupied.Add(new KeyValuePair<string, Run>(name, run));
                if (!padding)
                {
                    named.Add(new RecordField(name, kind, run.Offset, length));
                }

                next = offset + length;
                size = Math.Max(size, next);
            }

            if (named.Count == 0)
            {
                throw Invalid("The layout has no fields; name at least one field and its type, such as [ordered]@{ Id = 'UInt32' }.");
            }

            var swapped = new List<Run>();
            var written = new List<Run>();
            foreach (RecordField field in named)
            {
                written.Add(new Run(field.Offset, field.Size));
                if (field.IsWideNumber)
                {
                    swapped.Add(new Run(field.Offset, field.Size));
                }
            }

            return new RecordLayout(named.AsReadOnly(), (int)size, null, Merge(written), swapped.ToArray());
        }

        /// <summary>
        /// A layout of a blittable struct: its records are instances of the struct, read and written with
        /// the struct's own (Sequential or Explicit) layout. -BigEndian reverses each number inside it.
        /// </summary>
        /// <exception cref="MemoryMapArgumentException">LayoutInvalid: not a struct, automatic layout, or a field that is a reference, bool or char.</exception>
        public static RecordLayout FromStruct(Type type)
        {
            if (type == null)
            {
                throw new ArgumentNullException(nameof(type));
            }

            if (!type.IsValueType || type.IsPrimitive || type.IsEnum || type.IsGenericTypeDefinition)
            {
                throw Invalid("Type [" + type.FullName + "] is not a struct; a layout is an ordered dictionary of fields or a struct type whose fields are all numbers or structs of numbers.");
            }

            var leaves = new List<Run>();
            CollectLeaves(type, type.FullName, 0, leaves);
            int size;
            try
            {
                size = Marshal.SizeOf(type);
            }
            catch (ArgumentException e)
            {
                throw Invalid("Struct [" + type.FullName + "] has no fixed binary layout: " + e.Message);
            }

            if (size == 0 || leaves.Count == 0)
            {
                throw Invalid("Struct [" + type.FullName + "] has no fields, so its records would be empty.");
            }

            var fields = new List<RecordField>();
            foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public))
            {
                fields.Add(new RecordField(field.Name, KindOf(field.FieldType), (int)Marshal.OffsetOf(type, field.Name), SizeOfField(field)));
            }

            var swapped = new List<Run>();
            foreach (Run leaf in leaves)
            {
                if (leaf.Length > 1)
                {
                    swapped.Add(leaf);
                }
            }

            swapped.Sort((a, b) => a.Offset.CompareTo(b.Offset));
            return new RecordLayout(fields.AsReadOnly(), size, type, Merge(leaves), swapped.ToArray());
        }

        /// <summary>The .NET type of a field of this kind.</summary>
        public static Type ClrTypeOf(RecordFieldKind kind)
        {
            switch (kind)
            {
                case RecordFieldKind.Byte: return typeof(byte);
                case RecordFieldKind.SByte: return typeof(sbyte);
                case RecordFieldKind.Int16: return typeof(short);
                case RecordFieldKind.UInt16: return typeof(ushort);
                case RecordFieldKind.Int32: return typeof(int);
                case RecordFieldKind.UInt32: return typeof(uint);
                case RecordFieldKind.Int64: return typeof(long);
                case RecordFieldKind.UInt64: return typeof(ulong);
                case RecordFieldKind.Single: return typeof(float);
                case RecordFieldKind.Double: return typeof(double);
                case RecordFieldKind.Bytes: return typeof(byte[]);
                default: return typeof(string);
            }
        }

        /// <summary>
        /// Reverses the bytes of every number of more than one byte in <paramref name="count"/> records
        /// stored back to back from <paramref name="start"/>: big-endian to the machine's order and back.
        /// </summary>
        public void SwapNumbers(byte[] records, int start, int count)
        {
            for (int r = 0; r < count; r++)
            {
                int record = start + (r * Size);
                foreach (Run run in Swapped)
                {
                    Array.Reverse(records, record + run.Offset, run.Length);
                }
            }
        }

        /// <summary>The value of <paramref name="field"/> of the record at <paramref name="record"/> (in the machine's byte order).</summary>
        public static object Decode(RecordField field, byte[] records, int record, Encoding encoding)
        {
            int at = record + field.Offset;
            switch (field.Kind)
            {
                case RecordFieldKind.Byte: return records[at];
                case RecordFieldKind.SByte: return unchecked((sbyte)records[at]);
                case RecordFieldKind.Int16: return BitConverter.ToInt16(records, at);
                case RecordFieldKind.UInt16: return BitConverter.ToUInt16(records, at);
                case RecordFieldKind.Int32: return BitConverter.ToInt32(records, at);
                case RecordFieldKind.UInt32: return BitConverter.ToUInt32(records, at);
                case RecordFieldKind.Int64: return BitConverter.ToInt64(records, at);
                case RecordFieldKind.UInt64: return BitConverter.ToUInt64(records, at);
                case RecordFieldKind.Single: return BitConverter.ToSingle(records, at);
                case RecordFieldKind.Double: return BitConverter.ToDouble(records, at);
                case RecordFieldKind.Bytes: return Slice(records, at, field.Size);
                default: return DecodeString(records, at, field.Size, encoding);
            }
        }

        /// <summary>A copy of <paramref name="length"/> bytes from <paramref name="at"/>.</summary>
        public static byte[] Slice(byte[] records, int at, int length)
        {
            var bytes = new byte[length];
            Buffer.BlockCopy(records, at, bytes, 0, length);
            return bytes;
        }

        /// <summary>The text of a string field: its bytes decoded, trailing NUL characters trimmed (the padding a write adds).</summary>
        public static string DecodeString(byte[] records, int at, int length, Encoding encoding) =>
            encoding.GetString(records, at, length).TrimEnd('\0');

        /// <summary>
        /// Stores <paramref name="value"/>, already of the field's <see cref="RecordField.ClrType"/>, into the
        /// record at <paramref name="record"/> in the machine's byte order. A byte array or the encoded
        /// string may be shorter than the field (the rest is filled with zeros), never longer.
        /// </summary>
        /// <exception cref="MemoryMapArgumentException">ValueNotConvertible: the bytes or the text do not fit the field.</exception>
        public static void Encode(RecordField field, object value, byte[] records, int record, Encoding encoding)
        {
            int at = record + field.Offset;
            byte[] bytes;
            switch (field.Kind)
            {
                case RecordFieldKind.Byte: records[at] = (byte)value; return;
                case RecordFieldKind.SByte: records[at] = unchecked((byte)(sbyte)value); return;
                case RecordFieldKind.Int16: bytes = BitConverter.GetBytes((short)value); break;
                case RecordFieldKind.UInt16: bytes = BitConverter.GetBytes((ushort)value); break;
                case RecordFieldKind.Int32: bytes = BitConverter.GetBytes((int)value); break;
                case RecordFieldKind.UInt32: bytes = BitConverter.GetBytes((uint)value); break;
                case RecordFieldKind.Int64: bytes = BitConverter.GetBytes((long)value); break;
                case RecordFieldKind.UInt64: bytes = BitConverter.GetBytes((ulong)value); break;
                case RecordFieldKind.Single: bytes = BitConverter.GetBytes((float)value); break;
                case RecordFieldKind.Double: bytes = BitConverter.GetBytes((double)value); break;
                case RecordFieldKind.Bytes:
                    bytes = (byte[])value;
                    CheckFits(field, bytes.Length, "bytes");
                    Array.Clear(records, at, field.Size);
                    break;
                default:
                    bytes = encoding.GetBytes((string)value);
                    CheckFits(field, bytes.Length, "bytes of text");
                    Array.Clear(records, at, field.Size);
                    break;
            }

            Buffer.BlockCopy(bytes, 0, records, at, bytes.Length);
        }

        internal static MemoryMapArgumentException Invalid(string message) =>
            new MemoryMapArgumentException(MemoryMapError.LayoutInvalid, message, "Layout");

        private static void CheckFits(RecordField field, int length, string what)
        {
            if (length > field.Size)
            {
                throw new MemoryMapArgumentException(
                    MemoryMapError.ValueNotConvertible,
                    string.Format(CultureInfo.InvariantCulture, "Field '{0}' holds {1} bytes, but its value is {2} {3}; shorten the value, or widen the field.", field.Name, field.Size, length, what),
                    "Record");
            }
        }

        /// <summary>Parses 'Type', 'Type[N]' or either followed by '@offset'; the offset is -1 when there is none.</summary>
        private static void ParseType(string name, string text, out bool padding, out RecordFieldKind kind, out int length, out long offset)
        {
            string spelled = (text ?? string.Empty).Trim();
            offset = -1;
            int at = spelled.IndexOf('@');
            if (at >= 0)
            {
                if (!long.TryParse(spelled.Substring(at + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset > MaxRecordSize)
                {
                    throw Invalid("Field '" + name + "' has the offset '" + spelled.Substring(at + 1) + "'; after @ write the field's offset in the record, a number of bytes such as 'UInt32@8'.");
                }

                spelled = spelled.Substring(0, at).Trim();
            }

            string typeName = spelled;
            long count = -1;
            int bracket = spelled.IndexOf('[');
            if (bracket >= 0)
            {
                typeName = spelled.Substring(0, bracket).Trim();
                string inside = spelled.EndsWith("]", StringComparison.Ordinal) ? spelled.Substring(bracket + 1, spelled.Length - bracket - 2).Trim() : null;
                if (inside == null || !long.TryParse(inside, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count > MaxRecordSize)
                {
                    throw Invalid("Field '" + name + "' has the type '" + text + "'; write a length in bytes between the brackets, such as 'Byte[16]'.");
                }
            }

            padding = typeName.Equals("Padding", StringComparison.OrdinalIgnoreCase);
            bool sized = padding || typeName.Equals("String", StringComparison.OrdinalIgnoreCase) || typeName.Equals("Byte", StringComparison.OrdinalIgnoreCase) && count >= 0;
            if (sized)
            {
                if (count < 0)
                {
                    throw Invalid("Field '" + name + "' is '" + text + "' without a length; write its length in bytes, such as '" + typeName + "[16]'.");
                }

                if (count == 0)
                {
                    throw Invalid("Field '" + name + "' is '" + text + "', zero bytes long; a field must take at least one byte.");
                }

                kind = typeName.Equals("String", StringComparison.OrdinalIgnoreCase) ? RecordFieldKind.String : RecordFieldKind.Bytes;
                length = (int)count;
                return;
            }

            if (count < 0 && Enum.TryParse(typeName, ignoreCase: true, out MemoryMapValueType number)
                && Enum.IsDefined(typeof(MemoryMapValueType), number) && !char.IsDigit(typeName, 0))
            {
                kind = (RecordFieldKind)Enum.Parse(typeof(RecordFieldKind), number.ToString());
                length = Marshal.SizeOf(ClrTypeOf(kind));
                return;
            }

            throw Invalid(
                "Field '" + name + "' has the type '" + text + "', which is not a record field type. Use Byte, SByte, Int16, UInt16, Int32, UInt32, Int64, UInt64, Single, Double, Byte[N], String[N] or Padding[N], optionally followed by @offset.");
        }

        /// <summary>The numbers inside a struct, at their offsets from the record's start; refuses references, bool and char.</summary>
        private static void CollectLeaves(Type type, string path, int at, List<Run> leaves)
        {
            if (type.IsPrimitive || type.IsEnum)
            {
                Type primitive = type.IsEnum ? Enum.GetUnderlyingType(type) : type;
                if (primitive == typeof(bool) || primitive == typeof(char))
                {
                    throw Invalid("Field '" + path + "' is [" + primitive.Name + "], whose size in memory and in a file differ; use a Byte or UInt16 field instead.");
                }

                leaves.Add(new Run(at, Marshal.SizeOf(primitive)));
                return;
            }

            if (!type.IsValueType || (!type.IsLayoutSequential && !type.IsExplicitLayout))
            {
                string why = type.IsValueType ? "has automatic layout, so its bytes have no fixed order" : "is a reference type, which a record in memory cannot hold";
                throw Invalid("Field '" + path + "' of type [" + type.FullName + "] " + why + "; a struct layout may hold only numbers and structs of numbers with Sequential or Explicit layout.");
            }

            foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                int offset = at + (int)Marshal.OffsetOf(type, field.Name);
                FixedBufferAttribute fixedBuffer = field.GetCustomAttribute<FixedBufferAttribute>();
                if (fixedBuffer != null)
                {
                    int each = Marshal.SizeOf(fixedBuffer.ElementType);
                    for (int i = 0; i < fixedBuffer.Length; i++)
                    {
                        CollectLeaves(fixedBuffer.ElementType, path + "." + field.Name + "[" + i + "]", offset + (i * each), leaves);
                    }
                }
                else
                {
                    CollectLeaves(field.FieldType, path + "." + field.Name, offset, leaves);
                }
            }
        }

        private static RecordFieldKind KindOf(Type type)
        {
            Type t = type.IsEnum ? Enum.GetUnderlyingType(type) : type;
            return t.IsPrimitive && Enum.TryParse(t.Name, out RecordFieldKind kind) ? kind : RecordFieldKind.Bytes;
        }

        private static int SizeOfField(FieldInfo field)
        {
            FixedBufferAttribute fixedBuffer = field.GetCustomAttribute<FixedBufferAttribute>();
            return fixedBuffer != null
                ? fixedBuffer.Length * Marshal.SizeOf(fixedBuffer.ElementType)
                : Marshal.SizeOf(field.FieldType.IsEnum ? Enum.GetUnderlyingType(field.FieldType) : field.FieldType);
        }

        /// <summary>Sorts ranges and joins those that touch or overlap.</summary>
        private static Run[] Merge(List<Run> runs)
        {
            runs.Sort((a, b) => a.Offset.CompareTo(b.Offset));
            var merged = new List<Run>();
            foreach (Run run in runs)
            {
                if (merged.Count > 0 && run.Offset <= merged[merged.Count - 1].End)
                {
                    Run last = merged[merged.Count - 1];
                    merged[merged.Count - 1] = new Run(last.Offset, Math.Max(last.End, run.End) - last.Offset);
                }
                else
                {
                    merged.Add(run);
                }
            }

            return merged.ToArray();
        }

        /// <summary>A range of bytes in a record.</summary>
        internal readonly struct Run
        {
            internal Run(int offset, int length)
            {
                Offset = offset;
                Length = length;
            }

            internal int Offset { get; }

            internal int Length { get; }

            internal int End => Offset + Length;
        }
    }
}
