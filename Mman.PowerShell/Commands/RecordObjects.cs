using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq.Expressions;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
#if NET8_0_OR_GREATER
using System.Reflection.Emit;
#endif

namespace Mman.Commands
{
    /// <summary>
    /// Between a <see cref="RecordLayout"/> and PowerShell: the -Layout argument parsed, records' bytes
    /// turned into objects, and objects (or hashtables) turned back into bytes.
    /// </summary>
    internal static class RecordObjects
    {
        // What is built for a layout (a class and its decoder) is kept for the next call with an equal layout.
        private static readonly ConcurrentDictionary<string, Func<byte[], int, Encoding, object>> s_decoders =
            new ConcurrentDictionary<string, Func<byte[], int, Encoding, object>>();

#if NET8_0_OR_GREATER
        private static readonly object s_emitLock = new object();
        private static ModuleBuilder s_module;
        private static int s_typeCount;
#endif

        /// <summary>Parses -Layout: an ordered dictionary of field name → type, a struct type, or a parsed layout.</summary>
        internal static RecordLayout Parse(object layout)
        {
            object value = layout is PSObject wrapped ? wrapped.BaseObject : layout;
            switch (value)
            {
                case RecordLayout parsed:
                    return parsed;
                case Type type:
                    return RecordLayout.FromStruct(type);
                case IDictionary fields:
                    var pairs = new List<KeyValuePair<string, string>>();
                    foreach (DictionaryEntry entry in fields)
                    {
                        object spelled = entry.Value is PSObject p ? p.BaseObject : entry.Value;
                        string text = spelled is Type t ? t.Name : spelled?.ToString();
                        pairs.Add(new KeyValuePair<string, string>(entry.Key?.ToString(), text));
                    }

                    return RecordLayout.Parse(pairs, ordered: fields is System.Collections.Specialized.IOrderedDictionary);
                default:
                    throw RecordLayout.Invalid(
                        "-Layout takes an ordered dictionary of field names and types, such as [ordered]@{ Id = 'UInt32'; Name = 'String[16]' }, or a struct type such as [guid]; got "
                        + (value == null ? "null" : "[" + value.GetType().FullName + "]") + ".");
            }
        }

        /// <summary>The records in <paramref name="records"/> (back to back, machine byte order) as objects.</summary>
        internal static unsafe object[] Decode(RecordLayout layout, byte[] records, Encoding encoding)
        {
            int count = records.Length / layout.Size;
            var objects = new object[count];
            if (layout.StructType != null)
            {
                fixed (byte* start = records)
                {
                    for (int i = 0; i < count; i++)
                    {
                        objects[i] = Marshal.PtrToStructure(new IntPtr(start + ((long)i * layout.Size)), layout.StructType);
                    }
                }

                return objects;
            }

            Func<byte[], int, Encoding, object> decode = s_decoders.GetOrAdd(layout.Signature, _ => BuildDecoder(layout));
            for (int i = 0; i < count; i++)
            {
                objects[i] = decode(records, i * layout.Size, encoding);
            }

            return objects;
        }

        /// <summary>
        /// The bytes of <paramref name="records"/> (objects with the layout's fields as properties, or
        /// dictionaries with them as keys), back to back, in the machine's byte order. Every value is
        /// converted before anything is written.
        /// </summary>
        internal static unsafe byte[] Encode(RecordLayout layout, IList<object> records, Encoding encoding)
        {
            var bytes = new byte[(long)records.Count * layout.Size];
            // The fields of the last .NET type seen (records read with -Layout all have one class): plain
            // reflection, much cheaper than PowerShell's property lookup per field of every record.
            Type lastType = null;
            MemberInfo[] members = null;
            for (int i = 0; i < records.Count; i++)
            {
                object record = records[i] is PSObject p && !(p.BaseObject is PSCustomObject) ? p.BaseObject : records[i];
                int at = i * layout.Size;
                if (layout.StructType != null)
                {
                    object value = Convert(record, layout.StructType, i, null);
                    fixed (byte* start = bytes)
                    {
                        Marshal.StructureToPtr(value, new IntPtr(start + at), fDeleteOld: false);
                    }

                    continue;
                }

                if (record != null && !(record is IDictionary) && !(record is PSObject) && record.GetType() != lastType)
                {
                    lastType = record.GetType();
                    members = MembersOf(lastType, layout);
                }

                for (int f = 0; f < layout.Fields.Count; f++)
                {
                    RecordField field = layout.Fields[f];
                    MemberInfo member = record is PSObject || record is IDictionary ? null : members?[f];
                    object value = member is FieldInfo fieldInfo ? fieldInfo.GetValue(record)
                        : member is PropertyInfo property ? property.GetValue(record)
                        : FieldValue(record, field, i);
                    RecordLayout.Encode(field, Convert(value, field.ClrType, i, field), bytes, at, encoding);
                }
            }

            return bytes;
        }

        /// <summary>The public field or readable property of each layout field on a .NET type, or null where there is none.</summary>
        private static MemberInfo[] MembersOf(Type type, RecordLayout layout)
        {
            const BindingFlags Flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase;
            var members = new MemberInfo[layout.Fields.Count];
            for (int f = 0; f < members.Length; f++)
            {
                string name = layout.Fields[f].Name;
                PropertyInfo property = type.GetProperty(name, Flags);
                members[f] = (MemberInfo)type.GetField(name, Flags)
                    ?? (property != null && property.CanRead && property.GetIndexParameters().Length == 0 ? property : null);
            }

            return members;
        }

        private static object FieldValue(object record, RecordField field, int index)
        {
            if (record is IDictionary dictionary)
            {
                if (dictionary.Contains(field.Name))
                {
                    return dictionary[field.Name];
                }
            }
            else if (record != null)
            {
                PSPropertyInfo property = PSObject.AsPSObject(record).Properties[field.Name];
                if (property != null)
                {
                    return property.Value;
                }
            }

            throw new MemoryMapArgumentException(
                MemoryMapError.RecordFieldMissing,
                "Record " + index + " has no field '" + field.Name + "'; give every record every field of the layout (padding excepted).",
                "Record");
        }

        private static object Convert(object value, Type type, int index, RecordField field)
        {
            string what = field == null ? "Record " + index : "Record " + index + ", field '" + field.Name + "'";
            if (value == null)
            {
                throw new MemoryMapArgumentException(MemoryMapError.ValueNotConvertible, what + " is null; give it a value of type [" + type.Name + "].", "Record");
            }

            if (value.GetType() == type)
            {
                return value;
            }

            try
            {
                return LanguagePrimitives.ConvertTo(value, type, System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (PSInvalidCastException e)
            {
                throw new MemoryMapArgumentException(
                    MemoryMapError.ValueNotConvertible,
                    what + ": the value '" + value + "' does not fit [" + type.Name + "]. " + e.Message,
                    "Record");
            }
        }

        /// <summary>
        /// A decoder for one layout: where the runtime can define types, a class with the fields as typed
        /// public fields and a compiled initialiser (about 20 times faster than an object with note
        /// properties); elsewhere (Windows PowerShell), a PSObject with note properties.
        /// </summary>
        private static Func<byte[], int, Encoding, object> BuildDecoder(RecordLayout layout)
        {
#if NET8_0_OR_GREATER
            if (System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported)
            {
                return BuildClassDecoder(layout);
            }
#endif
            var names = new string[layout.Fields.Count];
            for (int f = 0; f < names.Length; f++)
            {
                names[f] = layout.Fields[f].Name;
            }

            return (records, at, encoding) =>
            {
                var record = new PSObject();
                for (int f = 0; f < names.Length; f++)
                {
                    record.Properties.Add(new PSNoteProperty(names[f], RecordLayout.Decode(layout.Fields[f], records, at, encoding)));
                }

                return record;
            };
        }

#if NET8_0_OR_GREATER
        private static Func<byte[], int, Encoding, object> BuildClassDecoder(RecordLayout layout)
        {
            Type type;
            lock (s_emitLock)
            {
                s_module ??= AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("Mman.Records"), AssemblyBuilderAccess.Run).DefineDynamicModule("Mman.Records");
                TypeBuilder builder = s_module.DefineType("Mman.Records.Record" + (++s_typeCount), TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Class);
                foreach (RecordField field in layout.Fields)
                {
                    builder.DefineField(field.Name, field.ClrType, FieldAttributes.Public);
                }

                type = builder.CreateType();
            }

            ParameterExpression records = Expression.Parameter(typeof(byte[]), "records");
            ParameterExpression at = Expression.Parameter(typeof(int), "at");
            ParameterExpression encoding = Expression.Parameter(typeof(Encoding), "encoding");
            var bindings = new List<MemberBinding>();
            foreach (RecordField field in layout.Fields)
            {
                Expression where = Expression.Add(at, Expression.Constant(field.Offset));
                Expression value;
                switch (field.Kind)
                {
                    case RecordFieldKind.Byte:
                        value = Expression.ArrayIndex(records, where);
                        break;
                    case RecordFieldKind.SByte:
                        value = Expression.Convert(Expression.ArrayIndex(records, where), typeof(sbyte));
                        break;
                    case RecordFieldKind.Bytes:
                        value = Expression.Call(typeof(RecordLayout).GetMethod(nameof(RecordLayout.Slice)), records, where, Expression.Constant(field.Size));
                        break;
                    case RecordFieldKind.String:
                        value = Expression.Call(typeof(RecordLayout).GetMethod(nameof(RecordLayout.DecodeString)), records, where, Expression.Constant(field.Size), encoding);
                        break;
                    default:
                        value = Expression.Call(typeof(BitConverter).GetMethod("To" + field.Kind, new[] { typeof(byte[]), typeof(int) }), records, where);
                        break;
                }

                bindings.Add(Expression.Bind(type.GetField(field.Name), value));
            }

            Expression body = Expression.Convert(Expression.MemberInit(Expression.New(type), bindings), typeof(object));
            return Expression.Lambda<Func<byte[], int, Encoding, object>>(body, records, at, encoding).Compile();
        }
#endif
    }
}
