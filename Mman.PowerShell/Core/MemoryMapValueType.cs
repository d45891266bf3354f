namespace Mman
{
    /// <summary>The element types Read-MemoryMap -As and Write-MemoryMap -As read and write.</summary>
    public enum MemoryMapValueType
    {
        /// <summary>System.Byte, 1 byte.</summary>
        Byte,

        /// <summary>System.SByte, 1 byte.</summary>
        SByte,

        /// <summary>System.Int16, 2 bytes.</summary>
        Int16,

        /// <summary>System.UInt16, 2 bytes.</summary>
        UInt16,

        /// <summary>System.Int32, 4 bytes.</summary>
        Int32,

        /// <summary>System.UInt32, 4 bytes.</summary>
        UInt32,

        /// <summary>System.Int64, 8 bytes.</summary>
        Int64,

        /// <summary>System.UInt64, 8 bytes.</summary>
        UInt64,

        /// <summary>System.Single, 4 bytes.</summary>
        Single,

        /// <summary>System.Double, 8 bytes.</summary>
        Double,
    }
}
